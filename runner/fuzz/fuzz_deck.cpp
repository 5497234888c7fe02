// fuzz_deck.cpp — libFuzzer target for a slides deck (runner/src/deck.hpp):
// parseDeck on any bytes, then what the presenter and the HTML export do
// with each slide. Text it refuses is a DeckError; anything else it throws,
// a crash, a hang or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>

#include "deck.hpp"
#include "html_slides.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  twistlings::Deck deck;
  try {
    // No file name, so that any lesson comment goes (with one, it must match).
    deck = twistlings::parseDeck(text, std::filesystem::path());
  } catch (const twistlings::DeckError&) {
    return 0;
  }
  for (const twistlings::Slide& slide : deck.slides) {
    // Narrow widths too: a window can be one column wide.
    for (int width : {1, 20, twistlings::kSlideWidth}) {
      (void)twistlings::renderSlide(slide, width != 20, width);
    }
    (void)twistlings::renderedLines(slide.notes);
  }
  (void)twistlings::deckProblems(deck, 7.0);
  (void)twistlings::deckHtml(deck, twistlings::HtmlDeckInfo{"", 7.0, "index.html"});
  return 0;
}
