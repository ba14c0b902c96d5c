//! How far [`super::VoipBin::all_access_keys`] follows a list, and why it gives up on one that
//! does not end.

/// The most pages [`super::VoipBin::all_access_keys`] reads: 1000, that is up to 100 000 keys at
/// VoIPBIN's largest page of 100, far more than an account holds (keys are made one by one,
/// for programs and people); a server still handing out page tokens after that is looping.
pub const MAX_ACCESS_KEY_PAGES: usize = 1000;

/// Why [`super::VoipBin::all_access_keys`] gave up on a list that does not end: the source of its
/// [`crate::ErrorKind::InvalidResponse`] error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndlessList {
    /// Page `page` (from 1) gave a `next_page_token` an earlier page gave: following it would
    /// loop.
    RepeatedPageToken {
        /// The page, from 1, whose token was a repeat.
        page: usize,
    },
    /// The list still had a next page after `limit` pages ([`MAX_ACCESS_KEY_PAGES`]).
    TooManyPages {
        /// The most pages read.
        limit: usize,
    },
}

impl std::fmt::Display for EndlessList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::RepeatedPageToken { page } => write!(
                f,
                "page {page} of the access keys repeats the next_page_token of an earlier page, \
                 so the list would never end"
            ),
            Self::TooManyPages { limit } => write!(
                f,
                "the access keys still had a next page after {limit} pages, the most read"
            ),
        }
    }
}

impl std::error::Error for EndlessList {}
