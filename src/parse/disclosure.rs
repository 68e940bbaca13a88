//! How an article was made: the AI-disclosure record of its front-matter, and
//! the one vocabulary every output (page notice, `<meta>`, JSON-LD, feeds,
//! cards) uses to say it.
//!
//! The record is what the editor wrote, nothing more: a review is claimed only
//! when the front-matter names a reviewer, and a translation is described
//! separately from its original. The outside vocabularies are still moving (a
//! W3C community-group draft for `<meta name="ai-disclosure">`, IPTC digital
//! source types for schema.org's `digitalSourceType`), so every value `brief`
//! emits for them is defined in this module, once.
//!
//! ```yaml
//! ai:
//!   level: generated            # none | assisted | generated
//!   reviewed_by: "Policy desk"  # only when a person reviewed the text
//!   reviewed_on: 2025-08-01     # optional, needs reviewed_by
//!   notice: "本稿は生成AIを用いて作成しました。"  # the author's own wording
//! translation:                  # on a translation only
//!   method: machine             # human | machine | ai-assisted
//!   reviewed_by: "J. Tanaka"
//!   reviewed_on: 2025-08-03
//! ```
//!
//! `ai_generated: true` is shorthand for `ai: {level: generated}` (not
//! reviewed), `ai_generated: false` for `level: none`.

use serde::{Deserialize, Serialize};

use crate::parse::frontmatter::DateValue;
pub use crate::parse::frontmatter::{AiField, AiLevel, TranslationField, TranslationMethod};

/// A recorded human review.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Review {
    pub by: String,
    pub on: Option<DateValue>,
}

/// How a translation was made, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Translation {
    pub method: TranslationMethod,
    pub review: Option<Review>,
}

/// Everything recorded about how an article was made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Disclosure {
    pub level: AiLevel,
    /// A person's review of the AI-made text.
    pub review: Option<Review>,
    /// The author's own notice text, shown instead of the standard one.
    pub notice: Option<String>,
    /// Set on a translation that records how it was translated.
    pub translation: Option<Translation>,
    /// Whether the article (or the site's default, when it says AI was used)
    /// records anything. An article that says nothing on a site whose default
    /// is "no AI" gets no machine-readable claim either way.
    pub recorded: bool,
}

/// The page-level value of `<meta name="ai-disclosure">`, from the W3C AI
/// Content Disclosure community group's draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PageLevel {
    /// No generative AI made any of the text.
    HumanOnly,
    /// AI took part, and a person wrote or reviewed all of it before publication.
    AiAssisted,
    /// AI made text that no person is recorded to have reviewed.
    AiAutonomous,
}

impl PageLevel {
    pub fn meta_content(self) -> &'static str {
        match self {
            PageLevel::HumanOnly => "human-only",
            PageLevel::AiAssisted => "ai-assisted",
            PageLevel::AiAutonomous => "ai-autonomous",
        }
    }
}

/// IPTC NewsCodes digital source types, as the IRIs schema.org's
/// `digitalSourceType` takes.
pub mod iptc {
    /// Made by a trained model (the whole text, or a machine translation).
    pub const TRAINED_ALGORITHMIC_MEDIA: &str =
        "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia";
    /// Human work that includes or was shaped by a trained model's output.
    pub const COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA: &str =
        "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia";
}

/// The scheme of the feeds' AI-disclosure category (the community group's page).
pub const FEED_SCHEME: &str = "https://www.w3.org/community/ai-content-disclosure/";

impl Disclosure {
    /// The state of a front-matter without an `ai:` block: `ai_generated`, or
    /// the site's default.
    pub fn from_flag(ai_generated: bool) -> Disclosure {
        Disclosure {
            level: if ai_generated {
                AiLevel::Generated
            } else {
                AiLevel::None
            },
            recorded: true,
            ..Default::default()
        }
    }

    /// `<meta name="ai-disclosure">` content; `None` when nothing is recorded.
    pub fn meta_content(&self) -> Option<&'static str> {
        (self.recorded || self.translation.is_some() || self.involves_ai())
            .then(|| self.page_level().meta_content())
    }

    /// Whether AI made any of the text the reader sees.
    pub fn involves_ai(&self) -> bool {
        self.level != AiLevel::None
            || self
                .translation
                .as_ref()
                .is_some_and(|t| t.method != TranslationMethod::Human)
    }

    /// The page-level disclosure: the stronger of how the text was written and
    /// how it was translated.
    pub fn page_level(&self) -> PageLevel {
        let written = match (self.level, &self.review) {
            (AiLevel::None, _) => PageLevel::HumanOnly,
            (AiLevel::Assisted, _) | (AiLevel::Generated, Some(_)) => PageLevel::AiAssisted,
            (AiLevel::Generated, None) => PageLevel::AiAutonomous,
        };
        let translated = match &self.translation {
            None
            | Some(Translation {
                method: TranslationMethod::Human,
                ..
            }) => PageLevel::HumanOnly,
            Some(Translation {
                method: TranslationMethod::AiAssisted,
                ..
            })
            | Some(Translation {
                method: TranslationMethod::Machine,
                review: Some(_),
            }) => PageLevel::AiAssisted,
            Some(Translation {
                method: TranslationMethod::Machine,
                review: None,
            }) => PageLevel::AiAutonomous,
        };
        written.max(translated)
    }

    /// schema.org `digitalSourceType`; `None` for text made by people alone.
    pub fn digital_source_type(&self) -> Option<&'static str> {
        let machine_translated = self
            .translation
            .as_ref()
            .is_some_and(|t| t.method == TranslationMethod::Machine);
        if self.level == AiLevel::Generated || machine_translated {
            Some(iptc::TRAINED_ALGORITHMIC_MEDIA)
        } else if self.involves_ai() {
            Some(iptc::COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA)
        } else {
            None
        }
    }

    /// Every recorded review: of the AI-made text, then of the translation.
    pub fn reviews(&self) -> impl Iterator<Item = &Review> {
        self.review
            .iter()
            .chain(self.translation.as_ref().and_then(|t| t.review.as_ref()))
    }

    /// Fluent key of the short badge on cards; `None` when AI made none of the text.
    pub fn badge_key(&self) -> Option<&'static str> {
        match self.level {
            AiLevel::Generated => Some("ai-badge-generated"),
            AiLevel::Assisted => Some("ai-badge-assisted"),
            AiLevel::None => match self.translation.as_ref().map(|t| t.method) {
                Some(TranslationMethod::Machine) => Some("ai-badge-machine-translated"),
                Some(TranslationMethod::AiAssisted) => Some("ai-badge-ai-translated"),
                _ => None,
            },
        }
    }
}

/// Every Fluent message this module's notices and badges use: the locale
/// check requires them.
pub const MESSAGE_KEYS: &[&str] = &[
    "ai-badge-generated",
    "ai-badge-assisted",
    "ai-badge-machine-translated",
    "ai-badge-ai-translated",
    "ai-notice-generated",
    "ai-notice-assisted",
    "ai-not-reviewed",
    "ai-reviewed",
    "ai-reviewed-on",
    "translation-notice-machine",
    "translation-notice-ai-assisted",
    "translation-not-reviewed",
    "translation-reviewed",
    "translation-reviewed-on",
];

/// One sentence of the visible notice: a Fluent message and its arguments,
/// or the author's own text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticePart<'a> {
    Message {
        key: &'static str,
        review: Option<&'a Review>,
    },
    Own(&'a str),
}

impl Disclosure {
    /// The sentences of the visible notice, in order: how the text was
    /// written (the author's own wording when recorded), whether a person
    /// reviewed it, then how this version was translated and whether that
    /// was reviewed. Empty for text made by people alone.
    pub fn notice_parts(&self) -> Vec<NoticePart<'_>> {
        let mut parts = Vec::new();
        if self.level != AiLevel::None {
            match &self.notice {
                Some(own) => parts.push(NoticePart::Own(own)),
                None => parts.push(NoticePart::Message {
                    key: match self.level {
                        AiLevel::Generated => "ai-notice-generated",
                        _ => "ai-notice-assisted",
                    },
                    review: None,
                }),
            }
            match (&self.review, self.level) {
                (Some(r), _) => parts.push(review_part("ai-reviewed", r)),
                // A person wrote assisted text; only generated text can go
                // out unread.
                (None, AiLevel::Generated) => parts.push(NoticePart::Message {
                    key: "ai-not-reviewed",
                    review: None,
                }),
                (None, _) => {}
            }
        }
        if let Some(t) = &self.translation {
            let key = match t.method {
                TranslationMethod::Human => None,
                TranslationMethod::Machine => Some("translation-notice-machine"),
                TranslationMethod::AiAssisted => Some("translation-notice-ai-assisted"),
            };
            if let Some(key) = key {
                parts.push(NoticePart::Message { key, review: None });
                match &t.review {
                    Some(r) => parts.push(review_part("translation-reviewed", r)),
                    None if t.method == TranslationMethod::Machine => {
                        parts.push(NoticePart::Message {
                            key: "translation-not-reviewed",
                            review: None,
                        })
                    }
                    None => {}
                }
            }
        }
        parts
    }
}

fn review_part<'a>(key: &'static str, r: &'a Review) -> NoticePart<'a> {
    NoticePart::Message {
        key: match (key, r.on.is_some()) {
            ("ai-reviewed", true) => "ai-reviewed-on",
            ("translation-reviewed", true) => "translation-reviewed-on",
            _ => key,
        },
        review: Some(r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review() -> Option<Review> {
        Some(Review {
            by: "Desk".into(),
            on: None,
        })
    }

    #[test]
    fn unreviewed_generated_text_is_autonomous_and_says_so() {
        let d = Disclosure::from_flag(true);
        assert_eq!(d.page_level().meta_content(), "ai-autonomous");
        assert_eq!(
            d.digital_source_type(),
            Some(iptc::TRAINED_ALGORITHMIC_MEDIA)
        );
        let keys: Vec<_> = d
            .notice_parts()
            .into_iter()
            .map(|p| match p {
                NoticePart::Message { key, .. } => key,
                NoticePart::Own(_) => "own",
            })
            .collect();
        assert_eq!(keys, ["ai-notice-generated", "ai-not-reviewed"]);
    }

    #[test]
    fn a_recorded_review_makes_generated_text_assisted() {
        let d = Disclosure {
            level: AiLevel::Generated,
            review: review(),
            ..Default::default()
        };
        assert_eq!(d.page_level(), PageLevel::AiAssisted);
        assert!(d.notice_parts().iter().any(|p| matches!(
            p,
            NoticePart::Message {
                key: "ai-reviewed",
                ..
            }
        )));
    }

    #[test]
    fn a_machine_translation_of_human_text_is_disclosed_on_its_own() {
        let d = Disclosure {
            translation: Some(Translation {
                method: TranslationMethod::Machine,
                review: None,
            }),
            ..Default::default()
        };
        assert!(d.involves_ai());
        assert_eq!(d.page_level(), PageLevel::AiAutonomous);
        assert_eq!(d.badge_key(), Some("ai-badge-machine-translated"));
        let human = Disclosure::default();
        assert!(!human.involves_ai());
        assert_eq!(human.page_level(), PageLevel::HumanOnly);
        assert_eq!(human.digital_source_type(), None);
        assert!(human.notice_parts().is_empty());
    }
}
