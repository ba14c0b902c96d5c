//! The ops tool as its users run it, a module for each way: `activity` against two mocks, the
//! binary configured by the sandbox's variables alone, its flows in-process against the
//! sandbox, and its webhook receiver getting the sandbox's deliveries.

mod activity;
mod binary;
mod in_process;
mod webhooks;
