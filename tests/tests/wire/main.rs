//! Every operation of every generated client against a loopback mock server: the exact request
//! (method, path, query, headers, credential placement, JSON body), and each documented status
//! decoded into its own type.

mod faults;
mod mobivate;
mod signalwire;
mod smsbeta;
mod voipbin;
