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

    /// Trims each variant (dropping empty ones) and checks lengths; `required` demands at least
    /// one variant.
    pub fn cleaned(self, field: &'static str, max_chars: usize, required: bool) -> AppResult<Self> {
        let clean = |s: Option<String>| -> AppResult<Option<String>> {
            let Some(s) = s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()) else {
                return Ok(None);
            };
            if s.chars().count() > max_chars {
                return Err(AppError::invalid(
                    field,
                    format!("at most {max_chars} characters per language"),
                ));
            }
            Ok(Some(s))
        };
        let out = Localized {
            kk: clean(self.kk)?,
            ru: clean(self.ru)?,
            en: clean(self.en)?,
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
    fn accept_language_and_like_escaping() {
        assert_eq!(
            Lang::from_accept_language("de-DE, kk-KZ;q=0.8, ru"),
            Some(Lang::Kk)
        );
        assert_eq!(Lang::from_accept_language("fr"), None);
        assert_eq!(contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
