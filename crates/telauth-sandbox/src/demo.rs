//! The demo credentials every sandbox accepts, each provider's own under its provider's name.

pub use crate::mobivate::{DEMO_PASSWORD as MOBIVATE_PASSWORD, DEMO_USERNAME as MOBIVATE_USERNAME};
pub use crate::signalwire::{
    DEMO_API_TOKEN as SIGNALWIRE_API_TOKEN, DEMO_PROJECT_ID as SIGNALWIRE_PROJECT_ID,
    DEMO_SPACE as SIGNALWIRE_SPACE, DEMO_SUBPROJECT_ID as SIGNALWIRE_SUBPROJECT_ID,
};
pub use crate::smsbeta::{DEMO_MAIL as SMSBETA_MAIL, DEMO_PASSWORD as SMSBETA_PASSWORD};
pub use crate::voipbin::{
    DEMO_CUSTOMER_ID as VOIPBIN_CUSTOMER_ID, DEMO_PASSWORD as VOIPBIN_PASSWORD,
    DEMO_USERNAME as VOIPBIN_USERNAME,
};
