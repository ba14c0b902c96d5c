//! Every operation of every generated client (`telauth-smsbeta`, `telauth-voipbin`,
//! `telauth-mobivate`, `telauth-signalwire`) against a loopback mock server: the exact request
//! (method, path, query, headers, credential placement, JSON body), each documented status
//! decoded into its own type, every undocumented answer an error value, and the transport rules
//! every client keeps.

mod mobivate;
mod signalwire;
mod smsbeta;
mod transport;
mod undocumented_answers;
mod voipbin;
