//! `LocalizedText { kk ru en text(lang:) }` and the `Language` enum.

use async_graphql::{Context, Enum, InputObject, Object};

use crate::domain::text::{Lang, Localized};

/// A language the platform writes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum Language {
    /// Kazakh (қазақ тілі).
    Kk,
    /// Russian (русский язык).
    Ru,
    /// English.
    En,
}

impl From<Language> for Lang {
    fn from(lang: Language) -> Self {
        match lang {
            Language::Kk => Lang::Kk,
            Language::Ru => Lang::Ru,
            Language::En => Lang::En,
        }
    }
}

/// GraphQL view of LocalizedText; see the schema description on its `impl`.
pub struct LocalizedText(pub Localized);

/// Text in Kazakh, Russian and English; any variant may be missing.
#[Object]
impl LocalizedText {
    /// The Kazakh text.
    async fn kk(&self) -> Option<&str> {
        self.0.kk.as_deref()
    }

    /// The Russian text.
    async fn ru(&self) -> Option<&str> {
        self.0.ru.as_deref()
    }

    /// The English text.
    async fn en(&self) -> Option<&str> {
        self.0.en.as_deref()
    }

    /// The text in `lang` (default: the request's `Accept-Language`, else Russian); when that
    /// variant is missing, the first present of Russian, Kazakh, English.
    async fn text(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Preferred language.")] lang: Option<Language>,
    ) -> Option<&str> {
        let lang = lang.map_or_else(|| super::request(ctx).lang, Lang::from);
        self.0.get(lang)
    }
}

/// Text in up to three languages. Blank variants count as absent.
#[derive(Debug, Clone, Default, InputObject)]
pub struct LocalizedTextInput {
    /// Kazakh.
    pub kk: Option<String>,
    /// Russian.
    pub ru: Option<String>,
    /// English.
    pub en: Option<String>,
}

impl From<LocalizedTextInput> for Localized {
    fn from(input: LocalizedTextInput) -> Self {
        Localized {
            kk: input.kk,
            ru: input.ru,
            en: input.en,
        }
    }
}

/// Builds a `LocalizedText` from three columns.
pub fn localized(kk: &Option<String>, ru: &Option<String>, en: &Option<String>) -> LocalizedText {
    LocalizedText(Localized::from_columns(kk, ru, en))
}
