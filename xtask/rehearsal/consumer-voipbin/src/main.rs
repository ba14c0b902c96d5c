//! The rehearsal's consumer of `telauth-voipbin` alone: logs in to the sandbox, creates an access
//! key, lists the keys with it and deletes it.

use telauth_voipbin::types::{AccesskeyCreate, LoginRequest};
use telauth_voipbin::{API_PATH, Client, Credentials};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let var = |name| std::env::var(name);
    let base = format!("{}{API_PATH}", var("SANDBOX_ORIGIN")?);
    let login = Client::new(&base, Credentials::none())
        .auth_login()
        .body(
            LoginRequest::builder()
                .username(var("SANDBOX_USER")?)
                .password(var("SANDBOX_PASSWORD")?),
        )
        .send()
        .await?
        .into_inner();
    let admin = Client::new(&base, Credentials::bearer_auth(login.token));
    let key = admin
        .accesskeys_create()
        .body(
            AccesskeyCreate::builder()
                .name(Some("rehearsal".to_string()))
                .expire(86_400),
        )
        .send()
        .await?
        .into_inner();
    let by_key = Client::new(
        &base,
        Credentials::accesskey_cookie(key.token.ok_or("no token")?),
    );
    let page = by_key.accesskeys_list().send().await?.into_inner();
    admin.accesskeys_delete().id(key.id).send().await?;
    println!(
        "logged in, created an access key, listed {} key(s) with it, deleted it",
        page.result.len()
    );
    Ok(())
}
