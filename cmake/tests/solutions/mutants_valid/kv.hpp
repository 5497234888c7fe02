// the contract
