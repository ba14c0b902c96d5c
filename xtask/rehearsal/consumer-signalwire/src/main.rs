//! The rehearsal's consumer of `telauth-signalwire` alone: creates a token in the sandbox,
//! changes its permissions and deletes it.

use telauth_signalwire::types::{CreateTokenRequest, Permission, UpdateTokenRequest};
use telauth_signalwire::{API_PATH, Client, Credentials};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let var = |name| std::env::var(name);
    let base = format!("{}{API_PATH}", var("SANDBOX_ORIGIN")?);
    let project_id = var("SANDBOX_PROJECT_ID")?;
    let project: uuid::Uuid = project_id.parse()?;
    let client = Client::new(
        &base,
        Credentials::signal_wire_basic_auth(project_id, var("SANDBOX_API_TOKEN")?),
    );
    let token = client
        .create_token()
        .account_sid(project)
        .body(
            CreateTokenRequest::builder()
                .name("rehearsal")
                .permissions(vec![Permission::Messaging]),
        )
        .send()
        .await?
        .into_inner();
    let updated = client
        .update_token()
        .account_sid(project)
        .token_id(token.id)
        .body(UpdateTokenRequest::builder().permissions(vec![Permission::Video]))
        .send()
        .await?
        .into_inner();
    client
        .delete_token()
        .account_sid(project)
        .token_id(token.id)
        .send()
        .await?;
    println!(
        "created a token, changed its permissions to {:?}, deleted it",
        updated.permissions
    );
    Ok(())
}
