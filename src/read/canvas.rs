//! The share card's pixels (`crate::read::card` draws on them): an RGB picture of the card's
//! size that keeps ink inside the card's margins, and its PNG encoding.

use cosmic_text::Color;

use super::card::{HEIGHT, MARGIN, WIDTH};

/// An RGB picture being drawn.
pub struct Canvas {
    pixels: Vec<u8>,
}

impl Canvas {
    pub(super) fn new(background: [u8; 3]) -> Canvas {
        Canvas {
            pixels: background
                .iter()
                .copied()
                .cycle()
                .take((WIDTH * HEIGHT * 3) as usize)
                .collect(),
        }
    }

    /// The colour at (x, y).
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        let at = ((y * WIDTH + x) * 3) as usize;
        [self.pixels[at], self.pixels[at + 1], self.pixels[at + 2]]
    }

    pub(super) fn fill(&mut self, x: u32, y: u32, w: u32, h: u32, colour: [u8; 3]) {
        for row in y..(y + h).min(HEIGHT) {
            for column in x..(x + w).min(WIDTH) {
                let at = ((row * WIDTH + column) * 3) as usize;
                self.pixels[at..at + 3].copy_from_slice(&colour);
            }
        }
    }

    /// Lays `colour` (with its alpha) over a rectangle; whatever falls outside the card's
    /// margins is dropped, so no text can run over the edge or the stripe.
    pub(super) fn blend(&mut self, x: i32, y: i32, w: u32, h: u32, colour: Color) {
        let alpha = u32::from(colour.a());
        if alpha == 0 {
            return;
        }
        let inner = (MARGIN as i32 / 2)..(WIDTH as i32 - MARGIN as i32 / 2);
        let rows = 0..HEIGHT as i32;
        let source = [colour.r(), colour.g(), colour.b()];
        for row in y..y.saturating_add(h as i32) {
            if !rows.contains(&row) {
                continue;
            }
            for column in x..x.saturating_add(w as i32) {
                if !inner.contains(&column) {
                    continue;
                }
                let at = ((row as u32 * WIDTH + column as u32) * 3) as usize;
                for (channel, source) in self.pixels[at..at + 3].iter_mut().zip(source) {
                    *channel = ((u32::from(*channel) * (255 - alpha) + u32::from(source) * alpha)
                        / 255) as u8;
                }
            }
        }
    }

    pub(super) fn encode(&self) -> Result<Vec<u8>, png::EncodingError> {
        let mut out = Vec::with_capacity(96 * 1024);
        let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&self.pixels)?;
        writer.finish()?;
        Ok(out)
    }
}
