// cmd_slides_html.cpp — `twistlings slides --html [DIR]` (html_slides.hpp):
// every deck as a page, and an index of them.
#include <cstdio>
#include <fstream>
#include <system_error>

#include "course.hpp"
#include "html_slides.hpp"
#include "paths.hpp"

namespace twistlings {

namespace fs = std::filesystem;

namespace {

// Written beside and renamed over, so a browser reloading the deck during an
// export never reads half a page.
void writeHtmlFile(const fs::path& file, const std::string& text) {
  fs::path temp = file;
  temp += ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out)
      throw fs::filesystem_error("cannot write", temp, std::make_error_code(std::errc::io_error));
  }
  fs::rename(temp, file);
}

}  // namespace

std::vector<fs::path> writeHtmlSlides(const Course& course, const fs::path& dir) {
  fs::create_directories(dir);
  std::vector<fs::path> written;
  std::vector<HtmlIndexEntry> entries;
  for (const PlannedLesson& planned : course.plan()) {
    fs::path source = deckPath(course.root(), planned.id);
    if (!fs::exists(source)) continue;
    Deck deck = loadDeck(source, "slides/" + planned.id + ".md");
    std::string file = planned.id + ".html";
    HtmlDeckInfo info{planned.title, static_cast<double>(planned.talkMinutes), "index.html"};
    writeHtmlFile(dir / file, deckHtml(deck, info));
    written.push_back(dir / file);
    entries.push_back({planned.id, planned.title, file, deck.slides.size(), deck.minutes(),
                       static_cast<double>(planned.talkMinutes)});
  }
  writeHtmlFile(dir / "index.html", indexHtml(entries));
  written.push_back(dir / "index.html");
  return written;
}

int slidesHtmlCommand(const Course& course, const Paths& paths, const std::optional<std::string>& dir) {
  fs::path target = dir && !dir->empty() ? fs::path(*dir) : paths.build / "slides";
  try {
    std::vector<fs::path> written = writeHtmlSlides(course, target);
    for (const fs::path& file : written) std::printf("wrote %s\n", file.string().c_str());
    std::printf("%zu decks. Open %s in a browser: arrows and space move, s opens the speaker view "
                "(notes and timers), print to PDF gives the handout, one slide a page.\n",
                written.size() - 1, (target / "index.html").string().c_str());
    return 0;
  } catch (const DeckError& e) {
    std::fprintf(stderr, "twistlings: slides --html: %s\n", e.what());
  } catch (const fs::filesystem_error& e) {
    std::fprintf(stderr, "twistlings: slides --html: %s\n", e.what());
  }
  return 1;
}

}  // namespace twistlings
