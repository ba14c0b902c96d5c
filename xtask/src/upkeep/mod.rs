//! Keeping the specs true to the providers, apart from releasing them: a provider's published
//! document against our spec ([`upstream`]), and the tables of `specs/FIDELITY.md` generated
//! from the deliberate differences and secret decisions the specs record ([`fidelity`]).

pub mod fidelity;
pub mod upstream;
