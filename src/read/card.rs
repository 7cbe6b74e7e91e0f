//! The share card's picture (1200x630, what link previews show for a letter): its title,
//! addressee, the coalition's name and the count, drawn from a letter's snapshot. The web
//! layer (`crate::http::card`) caches and serves it.
//!
//! Text goes through cosmic-text: bidi (unicode-bidi), shaping (harfrust, the HarfBuzz port)
//! and rasterizing (swash), so that Hebrew and Arabic read right to left and Arabic letters
//! join. The fonts are bundled (Noto Sans, Noto Sans Hebrew, Noto Sans Arabic; OFL, see
//! assets/fonts/OFL.txt) so the picture is the same on every machine the binary runs on.

use std::sync::Arc;

use cosmic_text::{
    Attrs, Buffer, Color, Ellipsize, EllipsizeHeightLimit, Family, FontSystem, Metrics, Shaping,
    SwashCache, Weight, Wrap, fontdb,
};

use crate::config::SiteSettings;
use crate::i18n::catalog::{Arg, Tr};
use crate::read::snapshot::LetterSnapshot;

pub use super::canvas::Canvas;

pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

/// A title is cut to this many characters before layout: more never fits in the title's
/// lines, and shaping a pasted essay would only cost time.
const MAX_CHARS: usize = 400;

const FONTS: [&[u8]; 6] = [
    include_bytes!("../../assets/fonts/NotoSans-Regular.ttf"),
    include_bytes!("../../assets/fonts/NotoSans-Bold.ttf"),
    include_bytes!("../../assets/fonts/NotoSansHebrew-Regular.ttf"),
    include_bytes!("../../assets/fonts/NotoSansHebrew-Bold.ttf"),
    include_bytes!("../../assets/fonts/NotoSansArabic-Regular.ttf"),
    include_bytes!("../../assets/fonts/NotoSansArabic-Bold.ttf"),
];

/// The family asked for; cosmic-text falls back to Noto Sans Hebrew and Noto Sans Arabic for
/// those scripts by name, and the database holds nothing else.
const FAMILY: &str = "Noto Sans";

/// Everything a card shows. A card is redrawn when this differs from what it was drawn from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardText {
    pub site_name: String,
    pub addressee: String,
    pub title: String,
    pub total: i64,
    pub accent: [u8; 3],
    /// The language the card speaks: the letter text's, so a Hebrew page shares a Hebrew card
    /// (its count and "To ..." line from that language's catalog, English when not shipped).
    pub lang: String,
}

impl CardText {
    pub fn new(snapshot: &LetterSnapshot, site: &SiteSettings) -> CardText {
        CardText {
            site_name: site.name.clone(),
            addressee: snapshot.letter.addressee.clone(),
            title: snapshot.letter.title.clone(),
            // The count the letter page shows.
            total: snapshot.counts.total(),
            accent: parse_colour(&site.accent_color).unwrap_or([0xb3, 0x26, 0x1e]),
            lang: snapshot.letter.lang.to_string(),
        }
    }

    fn translator(&self) -> Tr {
        Tr::for_code(Some(&self.lang))
    }

    /// The mark that sets each text's direction to the card's, rather than leaving it to the
    /// text's first strong letter: on a Hebrew card the site's Latin name and a title that
    /// starts with a Latin word still start at the right margin, as every other line does.
    fn direction_mark(&self) -> &'static str {
        let rtl = crate::i18n::LanguageTag::parse(&self.lang).is_some_and(|tag| tag.is_rtl());
        if rtl { "\u{200f}" } else { "\u{200e}" }
    }

    /// The number and the word after it ("1,234" "signatures"), in the card's language; a
    /// letter nobody has signed yet invites instead: no number, "Be the first to sign".
    fn count_line(&self) -> (String, String) {
        let tr = self.translator();
        if self.total == 0 {
            return (String::new(), tr.t("listing-be-first"));
        }
        (
            tr.number(self.total),
            tr.count("signatures-word", self.total),
        )
    }

    fn addressee_line(&self) -> String {
        let addressee = match crate::i18n::LanguageTag::parse(&self.lang) {
            Some(lang) => crate::i18n::addressee_in_sentence(&self.addressee, &lang),
            None => self.addressee.as_str().into(),
        };
        self.translator()
            .ta("letter-to", [("addressee", Arg::Text(&addressee))])
    }
}

/// `#rrggbb` (what `[site] accent_color` holds) as bytes.
fn parse_colour(colour: &str) -> Option<[u8; 3]> {
    let hex = colour.strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let channel = |at: usize| u8::from_str_radix(&hex[at..at + 2], 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}

/// Left and right margin; text never comes closer to an edge than this.
pub const MARGIN: f32 = 88.0;
const STRIPE: u32 = 20;
const INK: [u8; 3] = [0x1f, 0x1f, 0x1f];
const MUTED: [u8; 3] = [0x55, 0x55, 0x55];
const PAPER: [u8; 3] = [0xff, 0xff, 0xff];
const RULE: [u8; 3] = [0xdd, 0xdd, 0xdd];

/// Where a block of text sits on the card, and in how many lines at most.
struct Block {
    top: f32,
    size: f32,
    line_height: f32,
    lines: usize,
    weight: Weight,
}

const SITE: Block = Block {
    top: 56.0,
    size: 30.0,
    line_height: 40.0,
    lines: 1,
    weight: Weight::BOLD,
};
const ADDRESSEE: Block = Block {
    top: 116.0,
    size: 32.0,
    line_height: 44.0,
    lines: 1,
    weight: Weight::NORMAL,
};
const TITLE: Block = Block {
    top: 178.0,
    size: 60.0,
    line_height: 76.0,
    lines: 3,
    weight: Weight::BOLD,
};
const RULE_Y: u32 = 452;
const COUNT: Block = Block {
    top: 478.0,
    size: 72.0,
    line_height: 96.0,
    lines: 1,
    weight: Weight::BOLD,
};
const COUNT_WORD: Block = Block {
    top: 0.0,
    size: 40.0,
    line_height: 96.0,
    lines: 1,
    weight: Weight::NORMAL,
};

/// A laid-out line, for checking that nothing leaves the card.
#[derive(Debug, Clone, Copy)]
pub struct Placed {
    pub left: f32,
    pub right: f32,
    pub top: f32,
    pub bottom: f32,
    pub baseline: f32,
}

/// The bundled fonts and the glyph cache; one draw at a time.
pub struct Renderer {
    fonts: FontSystem,
    glyphs: SwashCache,
}

impl Default for Renderer {
    fn default() -> Self {
        Renderer::new()
    }
}

impl Renderer {
    pub fn new() -> Renderer {
        let mut database = fontdb::Database::new();
        for font in FONTS {
            database.load_font_source(fontdb::Source::Binary(Arc::new(font)));
        }
        Renderer {
            fonts: FontSystem::new_with_locale_and_db("en-US".into(), database),
            glyphs: SwashCache::new(),
        }
    }

    /// The card as a PNG.
    pub fn draw(&mut self, text: &CardText) -> Result<Vec<u8>, png::EncodingError> {
        let (canvas, _) = self.paint(text);
        canvas.encode()
    }

    /// The card's pixels and where each line of text went.
    pub fn paint(&mut self, text: &CardText) -> (Canvas, Vec<Placed>) {
        let mut canvas = Canvas::new(PAPER);
        canvas.fill(0, 0, STRIPE, HEIGHT, text.accent);
        canvas.fill(MARGIN as u32, RULE_Y, WIDTH - 2 * MARGIN as u32, 2, RULE);
        let mut placed = Vec::new();
        let mark = text.direction_mark();
        let mut draw = |renderer: &mut Renderer,
                        content: &str,
                        block: &Block,
                        colour: [u8; 3],
                        (left, top): (f32, f32)| {
            let mut buffer = renderer.lay_out(
                &format!("{mark}{}", clean(content)),
                block,
                (WIDTH as f32 - MARGIN - left).max(1.0),
            );
            let lines = renderer.place(&buffer, left, top);
            renderer.paint_buffer(&mut canvas, &mut buffer, left, top, colour);
            placed.extend_from_slice(&lines);
            lines
        };
        draw(
            self,
            &text.site_name,
            &SITE,
            text.accent,
            (MARGIN, SITE.top),
        );
        let addressee = text.addressee_line();
        draw(self, &addressee, &ADDRESSEE, MUTED, (MARGIN, ADDRESSEE.top));
        draw(self, &text.title, &TITLE, INK, (MARGIN, TITLE.top));
        let mut count = self.count_phrase(text);
        let lines = self.place(&count, MARGIN, COUNT.top);
        self.paint_buffer(&mut canvas, &mut count, MARGIN, COUNT.top, MUTED);
        placed.extend_from_slice(&lines);
        (canvas, placed)
    }

    /// The count and its word as one phrase ("1,234 signatures", "1,234 חתימות") on one
    /// baseline, laid out in the card language's direction: on a right-to-left card it starts
    /// at the right margin with the number, the word to its left, as a reader of that language
    /// reads it. (Drawn as two texts, the word's own direction sent it to the opposite edge
    /// from the number.)
    fn count_phrase(&mut self, text: &CardText) -> Buffer {
        let (number, word) = text.count_line();
        let mark = text.direction_mark();
        let [r, g, b] = text.accent;
        let [mr, mg, mb] = MUTED;
        let word_attrs = Attrs::new()
            .family(Family::Name(FAMILY))
            .weight(COUNT_WORD.weight)
            .color(Color::rgb(mr, mg, mb));
        let number_attrs = Attrs::new()
            .family(Family::Name(FAMILY))
            .weight(COUNT.weight)
            .metrics(Metrics::new(COUNT.size, COUNT.line_height))
            .color(Color::rgb(r, g, b));
        let mut buffer = Buffer::new(
            &mut self.fonts,
            Metrics::new(COUNT_WORD.size, COUNT_WORD.line_height),
        );
        buffer.set_wrap(Wrap::WordOrGlyph);
        buffer.set_size(Some(WIDTH as f32 - 2.0 * MARGIN), None);
        // A space of the number's size keeps the gap the number's; no number, no gap.
        let gap = if number.is_empty() { "" } else { " " };
        buffer.set_rich_text(
            [
                (mark, word_attrs.clone()),
                (number.as_str(), number_attrs.clone()),
                (gap, number_attrs),
                (word.as_str(), word_attrs.clone()),
            ],
            &word_attrs,
            Shaping::Advanced,
            None,
        );
        buffer.shape_until_scroll(&mut self.fonts, false);
        buffer
    }

    /// `content` in at most `block.lines` lines; a longer text is cut after its last whole
    /// word that leaves room for an ellipsis (inside a word only when one word fills the
    /// line). cosmic-text's own ellipsis (kept as the last resort) starts the cut line with
    /// the space it broke at.
    fn lay_out(&mut self, content: &str, block: &Block, width: f32) -> Buffer {
        let buffer = self.shaped(content, block, width, false);
        let last_line = buffer
            .layout_runs()
            .nth(block.lines.saturating_sub(1))
            .filter(|_| buffer.layout_runs().count() > block.lines)
            .map(|run| {
                let start = run.glyphs.iter().map(|glyph| glyph.start).min();
                let end = run.glyphs.iter().map(|glyph| glyph.end).max();
                (start.unwrap_or(0), end.unwrap_or(0))
            });
        let Some((line_start, line_end)) = last_line else {
            return buffer;
        };
        let mut cut = line_end.min(content.len());
        for _ in 0..16 {
            let Some(kept) = content.get(..cut).map(str::trim_end) else {
                break;
            };
            let buffer = self.shaped(&format!("{kept}…"), block, width, false);
            if buffer.layout_runs().count() <= block.lines {
                return buffer;
            }
            cut = match kept.rfind(' ') {
                Some(space) if space > line_start => space,
                _ => kept.char_indices().last().map_or(0, |(at, _)| at),
            };
        }
        self.shaped(content, block, width, true)
    }

    fn shaped(&mut self, content: &str, block: &Block, width: f32, ellipsize: bool) -> Buffer {
        let mut buffer = Buffer::new(&mut self.fonts, Metrics::new(block.size, block.line_height));
        buffer.set_wrap(Wrap::WordOrGlyph);
        if ellipsize {
            buffer.set_ellipsize(Ellipsize::End(EllipsizeHeightLimit::Lines(block.lines)));
        }
        buffer.set_size(Some(width), None);
        let attrs = Attrs::new()
            .family(Family::Name(FAMILY))
            .weight(block.weight);
        buffer.set_text(content, &attrs, Shaping::Advanced, None);
        buffer.shape_until_scroll(&mut self.fonts, false);
        buffer
    }

    fn place(&self, buffer: &Buffer, left: f32, top: f32) -> Vec<Placed> {
        buffer
            .layout_runs()
            .map(|run| {
                let start = run
                    .glyphs
                    .iter()
                    .map(|glyph| glyph.x)
                    .fold(f32::INFINITY, f32::min);
                let end = run
                    .glyphs
                    .iter()
                    .map(|glyph| glyph.x + glyph.w)
                    .fold(f32::NEG_INFINITY, f32::max);
                let (start, end) = if run.glyphs.is_empty() {
                    (0.0, 0.0)
                } else {
                    (start, end)
                };
                Placed {
                    left: left + start,
                    right: left + end,
                    top: top + run.line_top,
                    bottom: top + run.line_top + run.line_height,
                    baseline: top + run.line_y,
                }
            })
            .collect()
    }

    fn paint_buffer(
        &mut self,
        canvas: &mut Canvas,
        buffer: &mut Buffer,
        left: f32,
        top: f32,
        colour: [u8; 3],
    ) {
        let [r, g, b] = colour;
        let (dx, dy) = (left.round() as i32, top.round() as i32);
        buffer.draw(
            &mut self.fonts,
            &mut self.glyphs,
            Color::rgb(r, g, b),
            |x, y, w, h, colour| {
                canvas.blend(x + dx, y + dy, w, h, colour);
            },
        );
    }

    /// The glyphs a text is shaped into, each with its font, for tests of the fonts' coverage
    /// and of the shaping.
    pub fn shape(&mut self, content: &str, bold: bool) -> Vec<ShapedGlyph> {
        let block = Block {
            weight: if bold { Weight::BOLD } else { Weight::NORMAL },
            lines: 1,
            ..TITLE
        };
        let buffer = self.lay_out(content, &block, 100_000.0);
        let mut shaped = Vec::new();
        for run in buffer.layout_runs() {
            for glyph in run.glyphs {
                shaped.push(ShapedGlyph {
                    start: glyph.start,
                    glyph_id: glyph.glyph_id,
                    x: glyph.x,
                    font_family: self
                        .fonts
                        .db()
                        .face(glyph.font_id)
                        .and_then(|face| face.families.first())
                        .map(|(name, _)| name.clone())
                        .unwrap_or_default(),
                    rtl: run.rtl,
                });
            }
        }
        shaped
    }

    /// Whether some bundled font of the wanted weight maps `c` to a glyph.
    pub fn covers(&mut self, c: char, bold: bool) -> bool {
        let weight = if bold { Weight::BOLD } else { Weight::NORMAL };
        let ids: Vec<fontdb::ID> = self
            .fonts
            .db()
            .faces()
            .filter(|face| face.weight == weight)
            .map(|face| face.id)
            .collect();
        ids.into_iter().any(|id| {
            self.fonts
                .get_font(id, weight)
                .is_some_and(|font| font.as_swash().charmap().map(c) != 0)
        })
    }
}

#[derive(Debug, Clone)]
pub struct ShapedGlyph {
    /// Byte offset in the text of the character(s) this glyph draws.
    pub start: usize,
    pub glyph_id: u16,
    pub x: f32,
    pub font_family: String,
    pub rtl: bool,
}

/// One line of plain text: controls (among them the bidi overrides and isolates, which could
/// turn a title around or run it into the count) become spaces or go, runs of space collapse,
/// and the length is bounded. Joiners stay: Arabic and emoji need them.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_CHARS * 4));
    let mut kept = 0;
    for c in text.chars() {
        if kept >= MAX_CHARS {
            break;
        }
        let bidi_control = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}');
        let c = if c.is_whitespace() || c.is_control() {
            ' '
        } else if bidi_control {
            continue;
        } else {
            c
        };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(c);
        kept += 1;
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

/// A card's text for tests: an English letter with a five-digit count.
#[cfg(test)]
pub fn sample(title: &str) -> CardText {
    CardText {
        site_name: "Coalition for the Right to Protest".into(),
        addressee: "The President".into(),
        title: title.into(),
        total: 12_345,
        accent: [0xb3, 0x26, 0x1e],
        lang: "en".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEBREW: &str = "הגנו על הזכות להפגין בשלום";
    const ARABIC: &str = "احموا حق التظاهر السلمي";

    use super::sample as text;

    #[test]
    fn every_hebrew_and_arabic_character_has_a_glyph_in_both_weights() {
        let mut renderer = Renderer::new();
        for c in HEBREW.chars().chain(ARABIC.chars()).filter(|c| *c != ' ') {
            assert!(renderer.covers(c, false), "no regular glyph for {c:?}");
            assert!(renderer.covers(c, true), "no bold glyph for {c:?}");
        }
        for (title, family) in [(HEBREW, "Noto Sans Hebrew"), (ARABIC, "Noto Sans Arabic")] {
            for bold in [false, true] {
                let glyphs = renderer.shape(title, bold);
                assert!(!glyphs.is_empty());
                for glyph in &glyphs {
                    assert_ne!(glyph.glyph_id, 0, "tofu in {title} at byte {}", glyph.start);
                    let c = title[glyph.start..].chars().next().unwrap_or(' ');
                    if c != ' ' {
                        assert_eq!(glyph.font_family, family, "{c:?} drawn from another font");
                    }
                }
            }
        }
    }

    #[test]
    fn hebrew_and_arabic_run_right_to_left() {
        let mut renderer = Renderer::new();
        for title in [HEBREW, ARABIC] {
            let glyphs = renderer.shape(title, true);
            assert!(
                glyphs.iter().all(|glyph| glyph.rtl),
                "{title} laid out left to right"
            );
            let first = glyphs
                .iter()
                .filter(|glyph| glyph.start == 0)
                .map(|glyph| glyph.x);
            let rightmost = glyphs.iter().map(|glyph| glyph.x).fold(f32::MIN, f32::max);
            assert!(
                first.into_iter().all(|x| x == rightmost),
                "the first letter of {title} is not on the right"
            );
        }
    }

    #[test]
    fn arabic_letters_take_their_joined_forms() {
        let mut renderer = Renderer::new();
        // Seen alone, each letter takes its isolated form; in a word, its joined ones.
        let word = "سلام";
        let joined: Vec<u16> = renderer
            .shape(word, false)
            .iter()
            .map(|glyph| glyph.glyph_id)
            .collect();
        let isolated: Vec<u16> = word
            .chars()
            .flat_map(|c| renderer.shape(&c.to_string(), false))
            .map(|glyph| glyph.glyph_id)
            .collect();
        let first_alone = isolated.first().copied();
        let first_joined = renderer
            .shape(word, false)
            .iter()
            .find(|glyph| glyph.start == 0)
            .map(|glyph| glyph.glyph_id);
        assert_ne!(
            first_alone, first_joined,
            "seen in a word, sin is not in its initial form"
        );
        assert_ne!(joined, isolated);
    }

    fn assert_in_bounds(renderer: &mut Renderer, title: &str) {
        let (canvas, placed) = renderer.paint(&text(title));
        for line in &placed {
            assert!(
                line.left >= MARGIN - 0.5 && line.right <= WIDTH as f32 - MARGIN + 0.5,
                "a line leaves the margins: {line:?} for {:?}",
                title.chars().take(40).collect::<String>()
            );
            assert!(line.top >= 0.0 && line.bottom <= HEIGHT as f32, "{line:?}");
        }
        let title_lines = placed
            .iter()
            .filter(|line| line.top >= TITLE.top && line.bottom <= f32::from(RULE_Y as u16))
            .count();
        assert!(title_lines <= TITLE.lines, "{title_lines} title lines");
        // Nothing drawn on the right margin or the bottom edge: the card shows no cut text.
        for y in 0..HEIGHT {
            for x in (WIDTH - MARGIN as u32 / 2)..WIDTH {
                assert_eq!(canvas.pixel(x, y), PAPER, "ink at ({x}, {y})");
            }
        }
        for y in (HEIGHT - 8)..HEIGHT {
            for x in STRIPE..WIDTH {
                assert_eq!(canvas.pixel(x, y), PAPER, "ink at ({x}, {y})");
            }
        }
        let png = canvas.encode().expect("encodes");
        assert!(png.len() < 200 * 1024, "{} bytes", png.len());
    }

    #[test]
    fn nasty_titles_draw_within_the_card() {
        let mut renderer = Renderer::new();
        let long_words = "Protect the right to protest ".repeat(70);
        let one_word = "W".repeat(2_000);
        let mixed = format!("{HEBREW} and {ARABIC} together with Latin, {HEBREW} {ARABIC} again");
        let overrides =
            "\u{202e}Protect the right\u{202c} \u{2067}to protest\u{2069} \u{200f}now\u{202d}";
        let marks = "e\u{301}\u{302}\u{303}".repeat(500);
        for title in [
            long_words.as_str(),
            one_word.as_str(),
            mixed.as_str(),
            overrides,
            marks.as_str(),
            "line\nbreaks\r\nand\ttabs\u{0}nul",
            "",
            "👩🏽‍⚖️ ✊ 🕊️",
        ] {
            assert_in_bounds(&mut renderer, title);
        }
        assert_in_bounds(&mut renderer, &format!("{ARABIC} ").repeat(100));
        assert_in_bounds(&mut renderer, &format!("{HEBREW} ").repeat(100));
    }

    #[test]
    fn a_long_title_is_cut_with_an_ellipsis() {
        let mut renderer = Renderer::new();
        let title = "Protect the right to protest ".repeat(70);
        let block = Block { ..TITLE };
        let buffer = renderer.lay_out(&clean(&title), &block, WIDTH as f32 - 2.0 * MARGIN);
        let runs: Vec<_> = buffer.layout_runs().collect();
        assert_eq!(runs.len(), TITLE.lines);
        let ellipsis = renderer.shape("…", true)[0].glyph_id;
        let last = runs
            .last()
            .map(|run| run.glyphs.to_vec())
            .unwrap_or_default();
        assert!(
            last.iter().any(|glyph| glyph.glyph_id == ellipsis),
            "the last line has no ellipsis"
        );
        for run in &runs {
            let start = run
                .glyphs
                .iter()
                .map(|glyph| glyph.start)
                .min()
                .unwrap_or(0);
            assert!(
                !run.text[start..].starts_with(' '),
                "a line starts with a space"
            );
        }
        // The cut falls between words.
        let shown = runs[0].text;
        let kept = shown.strip_suffix('…').expect("ends with an ellipsis");
        assert!(title.starts_with(kept), "{shown}");
        assert!(
            title[kept.len()..].starts_with(' '),
            "cut inside a word: {shown}"
        );
    }

    #[test]
    fn controls_and_bidi_overrides_are_dropped() {
        assert_eq!(
            clean("\u{202e}abc\u{202c}  d\ne\u{2066}f\u{2069}"),
            "abc d ef"
        );
        assert_eq!(clean("  "), "");
        assert_eq!(clean(&"x".repeat(5_000)).chars().count(), MAX_CHARS);
        // Joiners stay: they shape Arabic and emoji.
        assert_eq!(clean("a\u{200d}b\u{200c}c"), "a\u{200d}b\u{200c}c");
    }

    #[test]
    fn the_card_is_a_1200_by_630_png_under_200_kb() {
        let mut renderer = Renderer::new();
        let png = renderer.draw(&text(HEBREW)).expect("draws");
        let decoder = png::Decoder::new(std::io::Cursor::new(&png));
        let reader = decoder.read_info().expect("a PNG");
        assert_eq!((reader.info().width, reader.info().height), (WIDTH, HEIGHT));
        assert!(png.len() < 200 * 1024);
    }

    #[test]
    fn the_count_is_one_phrase_in_the_cards_direction() {
        let mut renderer = Renderer::new();
        let card = |lang: &str, title: &str| CardText {
            lang: lang.into(),
            ..text(title)
        };
        for (lang, title) in [
            ("en", "Protect the right to protest"),
            ("he", HEBREW),
            ("ar", ARABIC),
        ] {
            let card = card(lang, title);
            let (canvas, placed) = renderer.paint(&card);
            if let Ok(folder) = std::env::var("UNDERSIGNED_CARD_SCREENSHOTS") {
                let _ = std::fs::create_dir_all(&folder);
                let _ = std::fs::write(
                    format!("{folder}/card-{lang}.png"),
                    canvas.encode().expect("encodes"),
                );
            }
            let count = placed.last().expect("the count is drawn");
            assert!(count.top >= COUNT.top - 1.0, "{lang}: {count:?}");
            // Number and word together: far less than the card's width.
            assert!(count.right - count.left < 500.0, "{lang}: {count:?}");
            if lang == "en" {
                assert!((count.left - MARGIN).abs() < 8.0, "{lang}: {count:?}");
            } else {
                assert!(
                    (WIDTH as f32 - MARGIN - count.right).abs() < 8.0,
                    "{lang}: {count:?}"
                );
                // Every line starts at the right, the site's Latin name too.
                let site = placed.first().expect("the site's name is drawn");
                assert!(
                    (WIDTH as f32 - MARGIN - site.right).abs() < 8.0,
                    "{lang}: {site:?}"
                );
            }
        }
    }

    #[test]
    fn a_card_speaks_the_language_of_its_letter() {
        let card = |lang: &str, total: i64| CardText {
            total,
            lang: lang.into(),
            addressee: "X".into(),
            ..text("Title")
        };
        assert_eq!(card("en", 1).count_line().1, "signature");
        assert_eq!(
            card("en", 1234).count_line(),
            ("1,234".into(), "signatures".into())
        );
        // Arabic has a dual: two signatures is one word.
        assert_eq!(card("ar", 2).count_line().1, "توقيعان");
        assert!(card("he", 5).addressee_line().contains('X'));
        assert_ne!(
            card("he", 5).addressee_line(),
            card("en", 5).addressee_line()
        );
        // A language without a catalog falls back to English.
        assert_eq!(card("pt", 3).count_line().1, "signatures");
        // Nobody yet: an invitation, not "0 signatures".
        assert_eq!(
            card("en", 0).count_line(),
            (String::new(), "Be the first to sign".into())
        );
    }
}
