//! Text in Kazakh, Russian and English, and the case folding used for searching it.

use unicode_normalization::UnicodeNormalization as _;

use crate::error::{AppError, AppResult};

/// A language the platform writes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Kazakh (state language).
    Kk,
    /// Russian.
    Ru,
    /// English.
    En,
}

impl Lang {
    /// Reads the first supported language of an `Accept-Language` header, ignoring weights
    /// (clients list their preference first in practice).
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header.split(',').find_map(|part| {
            let tag = part.split(';').next()?.trim().to_ascii_lowercase();
            match tag.split('-').next()? {
                "kk" => Some(Lang::Kk),
                "ru" => Some(Lang::Ru),
                "en" => Some(Lang::En),
                _ => None,
            }
        })
    }
}

/// How a piece of text may be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A name, title, keyword or label: one line, no bidirectional controls.
    Line,
    /// A description, abstract or note: tabs and line breaks allowed.
    Long,
}

/// Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they can
/// make a name display as something else ("Trojan Source"), and no kk/ru/en name needs them.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The one normaliser for user-supplied text: Unicode NFC, trimmed, empty as `None`; control
/// characters refused (tab and line breaks allowed in [`Shape::Long`] only), bidirectional
/// controls refused in [`Shape::Line`], at most `max_chars` characters. Errors name `field`.
pub fn clean(
    field: &'static str,
    text: &str,
    max_chars: usize,
    shape: Shape,
) -> AppResult<Option<String>> {
    let text: String = text.trim().nfc().collect();
    if text.is_empty() {
        return Ok(None);
    }
    let refused = |c: char| match shape {
        Shape::Line => c.is_control() || is_bidi_control(c),
        Shape::Long => c.is_control() && !matches!(c, '\t' | '\n' | '\r'),
    };
    if let Some(c) = text.chars().find(|&c| refused(c)) {
        return Err(AppError::invalid(
            field,
            format!(
                "U+{:04X} is not allowed here{}",
                u32::from(c),
                match shape {
                    Shape::Line => "; one line, without control or bidirectional characters",
                    Shape::Long =>
                        "; control characters other than tab and line breaks are refused",
                }
            ),
        ));
    }
    if text.chars().count() > max_chars {
        return Err(AppError::invalid(
            field,
            format!("at most {max_chars} characters"),
        ));
    }
    Ok(Some(text))
}

/// The same text in up to three languages; at least one is usually required.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Localized {
    /// Kazakh.
    pub kk: Option<String>,
    /// Russian.
    pub ru: Option<String>,
    /// English.
    pub en: Option<String>,
}

impl Localized {
    /// The text kept in a row's three language columns.
    pub fn from_columns(kk: &Option<String>, ru: &Option<String>, en: &Option<String>) -> Self {
        Self {
            kk: kk.clone(),
            ru: ru.clone(),
            en: en.clone(),
        }
    }

    /// The text in `lang`, else the first present of Russian, Kazakh, English (Russian first as
    /// the language every user of the platform reads).
    pub fn get(&self, lang: Lang) -> Option<&str> {
        let preferred = match lang {
            Lang::Kk => &self.kk,
            Lang::Ru => &self.ru,
            Lang::En => &self.en,
        };
        preferred
            .as_deref()
            .or(self.ru.as_deref())
            .or(self.kk.as_deref())
            .or(self.en.as_deref())
    }

    /// Cleans each variant as a description ([`clean`], [`Shape::Long`]), dropping empty ones;
    /// `required` demands at least one variant.
    pub fn cleaned(self, field: &'static str, max_chars: usize, required: bool) -> AppResult<Self> {
        self.cleaned_as(field, max_chars, required, Shape::Long)
    }

    /// [`Localized::cleaned`] for a name or title: each variant one line ([`Shape::Line`]).
    pub fn cleaned_line(
        self,
        field: &'static str,
        max_chars: usize,
        required: bool,
    ) -> AppResult<Self> {
        self.cleaned_as(field, max_chars, required, Shape::Line)
    }

    fn cleaned_as(
        self,
        field: &'static str,
        max_chars: usize,
        required: bool,
        shape: Shape,
    ) -> AppResult<Self> {
        let one = |s: Option<String>| match s {
            Some(s) => clean(field, &s, max_chars, shape),
            None => Ok(None),
        };
        let out = Localized {
            kk: one(self.kk)?,
            ru: one(self.ru)?,
            en: one(self.en)?,
        };
        if required && out.is_empty() {
            return Err(AppError::invalid(
                field,
                "give the text in at least one of kk, ru, en",
            ));
        }
        Ok(out)
    }

    /// Whether no variant is present.
    pub fn is_empty(&self) -> bool {
        self.kk.is_none() && self.ru.is_none() && self.en.is_none()
    }

    /// All present variants.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        [&self.kk, &self.ru, &self.en]
            .into_iter()
            .flatten()
            .map(String::as_str)
    }
}

/// Folds text for case-insensitive search: Unicode compatibility normalisation (so a Kazakh
/// letter typed as base letter plus combining mark equals the precomposed one) and full Unicode
/// lower-casing. Done in Rust because SQLite's `lower()` folds ASCII only.
pub fn fold(text: &str) -> String {
    text.nfkc().flat_map(char::to_lowercase).collect()
}

/// A `LIKE` pattern matching `needle` anywhere, with `\` as the escape character.
pub fn contains_pattern(needle: &str) -> String {
    let mut pattern = String::with_capacity(needle.len() + 2);
    pattern.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_handles_kazakh_and_cyrillic_case() {
        assert_eq!(
            fold("ҚАРАҒАНДЫ Өңірі ӘҒҚҢӨҰҮҺІ"),
            "қарағанды өңірі әғқңөұүһі"
        );
        // "и" + combining breve is the same search key as the precomposed "й".
        assert_eq!(fold("И\u{306}"), fold("Й"));
    }

    #[test]
    fn get_falls_back_in_order() {
        let t = Localized {
            kk: None,
            ru: Some("Наука".into()),
            en: Some("Science".into()),
        };
        assert_eq!(t.get(Lang::En), Some("Science"));
        assert_eq!(t.get(Lang::Kk), Some("Наука"));
    }

    #[test]
    fn cleaned_trims_and_requires() {
        let t = Localized {
            kk: Some("  ".into()),
            ru: None,
            en: Some(" x ".into()),
        };
        assert_eq!(
            t.cleaned("name", 10, true).expect("ok").en.as_deref(),
            Some("x")
        );
        let err = Localized::default()
            .cleaned("name", 10, true)
            .expect_err("empty");
        assert_eq!(err.code(), crate::error::ErrorCode::BadUserInput);
        let long = Localized {
            en: Some("x".repeat(11)),
            ..Default::default()
        };
        assert!(long.cleaned("name", 10, true).is_err());
    }

    #[test]
    fn clean_normalises_and_refuses_what_no_text_needs() {
        // "й" typed as "и" + combining breve is stored precomposed.
        assert_eq!(
            clean("name", " И\u{306}ран ", 10, Shape::Line).expect("ok"),
            Some("Йран".to_owned())
        );
        assert_eq!(clean("name", "   ", 10, Shape::Line).expect("ok"), None);
        for (text, shape) in [
            ("a\u{0}b", Shape::Long),
            ("a\u{7}b", Shape::Long),
            ("two\nlines", Shape::Line),
            ("evil\u{202E}gpj.exe", Shape::Line),
            ("iso\u{2066}late", Shape::Line),
        ] {
            let err = clean("title", text, 100, shape).expect_err(text);
            assert_eq!(err.field(), Some("title"), "{text:?}");
        }
        assert!(clean("description", "para\n\tgraph\r\n", 100, Shape::Long).is_ok());
        assert!(clean("description", "quoted \u{202E} in prose", 100, Shape::Long).is_ok());
    }

    #[test]
    fn accept_language_and_like_escaping() {
        assert_eq!(
            Lang::from_accept_language("de-DE, kk-KZ;q=0.8, ru"),
            Some(Lang::Kk)
        );
        assert_eq!(Lang::from_accept_language("fr"), None);
        assert_eq!(contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
