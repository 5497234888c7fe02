// html_slides.cpp — see html_slides.hpp. The page's CSS and script are the
// two raw strings below; the rest builds the page around them.
#include "html_slides.hpp"

#include <md4c-html.h>

#include <cstdio>
#include <sstream>

#include "highlight.hpp"

namespace twistlings {

namespace {

// The nonce the page's one script carries; the policy allows no other. It is
// fixed (the file is static), which is enough here: the threat is a deck's
// Markdown, and md4c-html with raw HTML off cannot make an element, let alone
// one carrying the nonce. The policy is for what Markdown can make: links and
// images pointing elsewhere.
constexpr std::string_view kHtmlNonce = "twistlings-slides";

void appendHtmlChunk(const MD_CHAR* text, MD_SIZE size, void* userdata) {
  static_cast<std::string*>(userdata)->append(text, size);
}

// md4c-html escapes code as & < > " only: its exact inverse.
std::string unescapeMd4cCode(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  size_t i = 0;
  while (i < html.size()) {
    if (html[i] == '&') {
      static constexpr std::pair<std::string_view, char> kEntities[] = {
          {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}};
      bool matched = false;
      for (const auto& [entity, c] : kEntities) {
        if (html.substr(i, entity.size()) == entity) {
          out += c;
          i += entity.size();
          matched = true;
          break;
        }
      }
      if (matched) continue;
    }
    out += html[i++];
  }
  return out;
}

std::string_view htmlTokenClass(CodeToken kind) {
  switch (kind) {
    case CodeToken::Keyword: return "tk-keyword";
    case CodeToken::Type: return "tk-type";
    case CodeToken::String: return "tk-string";
    case CodeToken::Number: return "tk-number";
    case CodeToken::Comment: return "tk-comment";
    case CodeToken::Preproc: return "tk-preproc";
    case CodeToken::Plain: break;
  }
  return {};
}

std::string highlightedCodeHtml(std::string_view code, std::string_view language) {
  std::string out;
  tokenizeCode(code, language, [&](CodeToken kind, std::string_view text) {
    std::string_view cls = htmlTokenClass(kind);
    if (cls.empty()) {
      out += htmlEscape(text);
    } else {
      out += "<span class=\"";
      out += cls;
      out += "\">";
      out += htmlEscape(text);
      out += "</span>";
    }
  });
  return out;
}

// md4c-html writes a fenced block as <pre><code class="language-LANG">TEXT</code></pre>
// (TEXT escaped, so "</code></pre>" cannot occur in it): each block's TEXT is
// replaced by its highlighted form, and the <pre> gets the language for a caption.
std::string highlightCodeBlocks(std::string_view html) {
  static constexpr std::string_view kOpen = "<pre><code";
  static constexpr std::string_view kClose = "</code></pre>";
  static constexpr std::string_view kLanguage = " class=\"language-";
  std::string out;
  size_t at = 0;
  while (true) {
    size_t open = html.find(kOpen, at);
    if (open == std::string_view::npos) break;
    size_t tagEnd = html.find('>', open + kOpen.size());
    size_t close = tagEnd == std::string_view::npos ? tagEnd : html.find(kClose, tagEnd);
    if (close == std::string_view::npos) break;
    std::string_view attributes = html.substr(open + kOpen.size(), tagEnd - open - kOpen.size());
    std::string language;  // escaped, as md4c-html wrote it
    if (attributes.substr(0, kLanguage.size()) == kLanguage && attributes.size() > kLanguage.size() &&
        attributes.back() == '"')
      language = attributes.substr(kLanguage.size(), attributes.size() - kLanguage.size() - 1);
    out += html.substr(at, open - at);
    if (language.empty()) {
      out += "<pre><code>";
    } else {
      out += "<pre data-lang=\"" + language + "\"><code class=\"language-" + language + "\">";
    }
    out += highlightedCodeHtml(unescapeMd4cCode(html.substr(tagEnd + 1, close - tagEnd - 1)),
                               unescapeMd4cCode(language));
    out += kClose;
    at = close + kClose.size();
  }
  out += html.substr(at);
  return out;
}

// A link's or image's target the page may keep: a fragment, a relative path,
// or http(s)/mailto. (md4c-html passes javascript: and data: through.)
bool htmlSafeUrl(std::string_view url) {
  size_t colon = url.find(':');
  size_t delimiter = url.find_first_of("/?#");
  if (colon == std::string_view::npos || (delimiter != std::string_view::npos && delimiter < colon)) return true;
  std::string scheme;
  for (char c : url.substr(0, colon)) scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return scheme == "http" || scheme == "https" || scheme == "mailto";
}

// Every href="..." and src="..." md4c-html wrote (text has its quotes escaped,
// so these are its attributes) with an unsafe target replaced by "#".
std::string neutralizeUrls(std::string_view html) {
  std::string out;
  size_t at = 0;
  while (true) {
    size_t href = html.find(" href=\"", at);
    size_t src = html.find(" src=\"", at);
    size_t attr = std::min(href, src);
    if (attr == std::string_view::npos) break;
    size_t valueBegin = html.find('"', attr) + 1;
    size_t valueEnd = html.find('"', valueBegin);
    if (valueEnd == std::string_view::npos) break;
    out += html.substr(at, valueBegin - at);
    std::string_view value = html.substr(valueBegin, valueEnd - valueBegin);
    // md4c-html escapes & in URLs; a scheme has none, so the raw value decides.
    out += htmlSafeUrl(value) ? value : std::string_view("#");
    at = valueEnd;
  }
  out += html.substr(at);
  return out;
}

std::string htmlMinutes(double minutes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", minutes);
  return text;
}

constexpr std::string_view kHtmlCss = R"css(
:root { --bg: #1d1f21; --fg: #e6e6e6; --dim: #9a9da0; --accent: #6cb6e0; --code-bg: #121314;
  --kw: #d38ad6; --ty: #5fd1cf; --st: #8fce7c; --nu: #e5c07b; --co: #858a8f; --pp: #82aaff; }
@media (prefers-color-scheme: light) {
  :root { --bg: #fdfdfb; --fg: #1b1b1b; --dim: #666; --accent: #1d6fa5; --code-bg: #f1f1ee;
    --kw: #8e2b91; --ty: #116b6b; --st: #2f6f1e; --nu: #8a5a00; --co: #6c7075; --pp: #2b4fa8; }
}
html, body { margin: 0; background: var(--bg); color: var(--fg); }
body { font-family: system-ui, "DejaVu Sans", sans-serif; font-size: min(3.3vh, 1.85vw); line-height: 1.3; }
section.slide { box-sizing: border-box; height: 100vh; padding: 3vh 4vw 7vh; position: relative;
  overflow: hidden; border-bottom: 1px solid var(--dim); }
html.js section.slide { display: none; border-bottom: none; }
html.js section.slide.current { display: block; }
h1, h2 { color: var(--accent); margin: 0 0 .5em; line-height: 1.15; }
h1 { font-size: 1.7em; } h2 { font-size: 1.45em; } h3 { font-size: 1.15em; }
p, ul, ol, table, pre, blockquote { margin: 0 0 .6em; }
a { color: var(--accent); }
code { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; }
:not(pre) > code { color: var(--nu); }
pre { background: var(--code-bg); padding: .45em .8em; border-radius: 4px; font-size: .8em;
  line-height: 1.25; overflow: hidden; position: relative; }
pre[data-lang]::before { content: attr(data-lang); position: absolute; right: .6em; top: .2em;
  color: var(--dim); font-size: .8em; }
table { border-collapse: collapse; } th, td { border-bottom: 1px solid var(--dim); padding: .1em .6em; text-align: left; }
blockquote { border-left: .25em solid var(--dim); padding-left: .8em; color: var(--dim); }
.tk-keyword { color: var(--kw); } .tk-type { color: var(--ty); } .tk-string { color: var(--st); }
.tk-number { color: var(--nu); } .tk-comment { color: var(--co); font-style: italic; } .tk-preproc { color: var(--pp); }
section.slide > footer { position: absolute; left: 4vw; right: 4vw; bottom: 2vh; display: flex;
  justify-content: space-between; color: var(--dim); font-size: .65em; }
aside.notes { display: none; }
#speaker { display: none; }
body.speaker main { display: none; }
body.speaker #speaker { display: grid; grid-template-rows: auto auto 1fr; gap: .6em; height: 100vh;
  box-sizing: border-box; padding: 1em 1.5em; font-size: 20px; }
#speaker .timers { display: flex; gap: 2em; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
#speaker .over { color: #e06c5f; }
#speaker .now h2 { margin: 0; } #speaker .next { color: var(--dim); }
#speaker .speaker-notes { overflow: auto; font-size: 1.1em; border-top: 1px solid var(--dim); padding-top: .5em; }
.index { padding: 2em 4vw; font-size: 18px; } .index td.number { text-align: right; }
@media print {
  @page { size: A4 landscape; margin: 0; }
  html, body { background: #fff; color: #000; }
  body { font-size: 13pt; }
  :root { --fg: #000; --dim: #555; --accent: #1d4f7a; --code-bg: #f2f2f0; --kw: #7b1f7e; --ty: #0d5c5c;
    --st: #2b631b; --nu: #7a4f00; --co: #5d6166; --pp: #24479a; }
  section.slide, html.js section.slide { display: block; height: 200mm; padding: 12mm 16mm 16mm;
    border: none; break-after: page; page-break-after: always; }
  section.slide:last-of-type { break-after: auto; page-break-after: auto; }
  section.slide > footer { left: 16mm; right: 16mm; bottom: 8mm; }
  aside.notes, #speaker { display: none !important; }
}
)css";

constexpr std::string_view kHtmlScript = R"js(
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  var slides = Array.prototype.slice.call(document.querySelectorAll('main > section.slide'));
  var total = slides.length;
  var talkMinutes = Number(document.body.getAttribute('data-talk-minutes')) || 0;
  var speaker = location.hash === '#speaker';
  var current = 0;
  var started = Date.now();       // the talk's timer: since the deck opened, or 't'
  var slideStarted = Date.now();  // this slide's
  var peer = null;                // the speaker view (in it: window.opener)

  function clock(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
  }
  function other() {
    var w = speaker ? window.opener : peer;
    return w && !w.closed ? w : null;
  }
  function tell() {
    var w = other();
    if (w) w.postMessage({ twistlings: 'slide', slide: current, started: started }, '*');
  }
  function show(n, quiet) {
    n = Math.min(Math.max(Math.floor(n) || 1, 1), total);
    if (n !== current) slideStarted = Date.now();
    current = n;
    slides.forEach(function (s, i) { s.classList.toggle('current', i + 1 === n); });
    document.body.setAttribute('data-slide', String(n));
    if (!speaker && location.hash !== '#' + n) history.replaceState(null, '', '#' + n);
    if (speaker) drawSpeaker();
    if (!quiet) tell();
  }
  function drawTimers() {
    var used = Date.now() - started;
    var talk = document.getElementById('talk-timer');
    talk.textContent = 'talk ' + clock(used) + ' / ' + talkMinutes + ':00';
    talk.classList.toggle('over', talkMinutes > 0 && used > talkMinutes * 60000);
    var slide = slides[current - 1];
    var planned = Number(slide.getAttribute('data-minutes')) || 0;
    var slideUsed = Date.now() - slideStarted;
    var mine = document.getElementById('slide-timer');
    mine.textContent = 'slide ' + clock(slideUsed) + ' / ' + clock(planned * 60000);
    mine.classList.toggle('over', slideUsed > planned * 60000);
    document.getElementById('wall-clock').textContent = new Date().toTimeString().slice(0, 5);
  }
  function drawSpeaker() {
    var slide = slides[current - 1];
    document.getElementById('speaker-now').textContent =
      current + '/' + total + '  ' + slide.getAttribute('data-title');
    var next = slides[current];
    document.getElementById('speaker-next').textContent =
      next ? 'next: ' + next.getAttribute('data-title') : 'next: (the end of the deck)';
    document.getElementById('speaker-notes').innerHTML = slide.querySelector('aside.notes').innerHTML;
    drawTimers();
  }
  function openSpeaker() {
    var address = location.href.split('#')[0] + '#speaker';
    peer = window.open(address, 'twistlings-speaker', 'popup,width=960,height=640');
    if (!peer) console.warn('twistlings: the speaker view was blocked; allow pop-ups for this file');
  }

  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    switch (e.key) {
      case 'ArrowRight': case 'ArrowDown': case 'PageDown': case ' ': case 'n': show(current + 1); break;
      case 'ArrowLeft': case 'ArrowUp': case 'PageUp': case 'p': show(current - 1); break;
      case 'Home': show(1); break;
      case 'End': show(total); break;
      case 's': if (!speaker) openSpeaker(); break;
      case 't': started = slideStarted = Date.now(); tell(); if (speaker) drawTimers(); break;
      default: return;
    }
    e.preventDefault();
  });
  window.addEventListener('message', function (e) {
    var m = e.data;
    if (!m || typeof m !== 'object' || typeof m.twistlings !== 'string') return;
    if (!speaker && e.source) peer = e.source;
    if (m.twistlings === 'hello') { tell(); return; }
    if (m.twistlings === 'slide') {
      if (typeof m.started === 'number') started = m.started;
      show(Number(m.slide), true);
    }
  });
  window.addEventListener('hashchange', function () {
    var m = /^#(\d+)$/.exec(location.hash);
    if (m && !speaker) show(Number(m[1]));
  });

  if (speaker) {
    document.body.classList.add('speaker');
    document.title = 'Notes: ' + document.title;
    setInterval(drawTimers, 1000);
  }
  var at = /^#(\d+)$/.exec(location.hash);
  show(at ? Number(at[1]) : 1, true);
  if (speaker && window.opener) window.opener.postMessage({ twistlings: 'hello' }, '*');
  window.twistlings = { slide: function () { return current; }, slides: total };
})();
)js";

std::string pageHead(std::string_view title) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
         "img-src data:; script-src 'nonce-";
  out += kHtmlNonce;
  out += "'\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
  out += htmlEscape(title);
  out += "</title>\n<style>";
  out += kHtmlCss;
  out += "</style>\n</head>\n";
  return out;
}

}  // namespace

std::string htmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string markdownToHtml(std::string_view markdown) {
  std::string html;
  int failed = md_html(markdown.data(), static_cast<MD_SIZE>(markdown.size()), appendHtmlChunk, &html,
                       MD_DIALECT_GITHUB | MD_FLAG_NOHTML, 0);
  if (failed != 0) throw std::bad_alloc();
  return neutralizeUrls(highlightCodeBlocks(html));
}

std::string deckHtml(const Deck& deck, const HtmlDeckInfo& info) {
  std::string title = info.title.empty() ? deck.slides.front().title : info.title;
  std::string lesson = htmlEscape(deck.lessonId);
  std::string out = pageHead(deck.lessonId + " · " + title);
  out += "<body data-lesson=\"" + lesson + "\" data-talk-minutes=\"" + htmlMinutes(info.talkMinutes) + "\">\n";
  out += "<main>\n";
  std::string total = std::to_string(deck.slides.size());
  for (const Slide& slide : deck.slides) {
    std::string number = std::to_string(slide.number);
    out += "<section class=\"slide\" id=\"slide-" + number + "\" data-title=\"" + htmlEscape(slide.title) +
           "\" data-minutes=\"" + htmlMinutes(slide.minutes) + "\">\n";
    out += markdownToHtml(slide.body);
    out += "<footer><span>";
    if (!info.indexHref.empty()) out += "<a href=\"" + htmlEscape(info.indexHref) + "\">";
    out += lesson + " · " + htmlEscape(title);
    if (!info.indexHref.empty()) out += "</a>";
    out += "</span><span class=\"number\">" + number + "/" + total + "</span></footer>\n";
    out += "<aside class=\"notes\">\n" + markdownToHtml(slide.notes) + "</aside>\n";
    out += "</section>\n";
  }
  out += "</main>\n";
  out += "<div id=\"speaker\"><div class=\"timers\"><span id=\"talk-timer\"></span><span id=\"slide-timer\">"
         "</span><span id=\"wall-clock\"></span></div>\n<div class=\"now\"><h2 id=\"speaker-now\"></h2>"
         "<div class=\"next\" id=\"speaker-next\"></div></div>\n<div class=\"speaker-notes\" id=\"speaker-notes\">"
         "</div></div>\n";
  out += "<script nonce=\"";
  out += kHtmlNonce;
  out += "\">";
  out += kHtmlScript;
  out += "</script>\n</body>\n</html>\n";
  return out;
}

std::string indexHtml(const std::vector<HtmlIndexEntry>& entries) {
  std::string out = pageHead("twistlings: the slides");
  out += "<body>\n<div class=\"index\">\n<h1>The slides</h1>\n";
  out += "<p>Open a deck; keys: &rarr; space next, &larr; previous, Home/End, <code>s</code> the speaker view "
         "(notes and timers, in a second window), <code>t</code> restart the timers. Print a deck to PDF for the "
         "handout: one slide a page.</p>\n";
  out += "<table>\n<tr><th>Lesson</th><th>Title</th><th>Slides</th><th>Minutes</th><th>Talk</th></tr>\n";
  for (const HtmlIndexEntry& e : entries) {
    out += "<tr><td><a href=\"" + htmlEscape(e.href) + "\">" + htmlEscape(e.lessonId) + "</a></td><td>" +
           htmlEscape(e.title) + "</td><td class=\"number\">" + std::to_string(e.slides) +
           "</td><td class=\"number\">" + htmlMinutes(e.minutes) + "</td><td class=\"number\">" +
           htmlMinutes(e.talkMinutes) + "</td></tr>\n";
  }
  out += "</table>\n</div>\n</body>\n</html>\n";
  return out;
}

}  // namespace twistlings
