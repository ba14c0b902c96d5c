//! Every operation of every generated client (`telauth-smsbeta`, `telauth-voipbin`,
//! `telauth-mobivate`, `telauth-signalwire`) against a loopback mock server: the exact request
//! (method, path, query, headers, credential placement, JSON body), each documented status
//! decoded into its own type, every undocumented answer an error value, and the transport rules
//! every client keeps; then the typed mocks of the `httpmock` feature as an application uses
//! them (`mock_extension`), and every operation against the sandbox, its answers checked against
//! the specs (`sandbox_contract`).

mod mobivate;
mod mock_extension;
mod sandbox_contract;
mod signalwire;
mod smsbeta;
mod transport;
mod undocumented_answers;
mod voipbin;
