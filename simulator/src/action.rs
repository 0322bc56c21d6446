//! Instance server actions (`POST .../servers/{id}/action`) and why one is refused.

use std::fmt;

/// A server action, as sent in `POST .../servers/{id}/action`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Poweron,
    Poweroff,
    StopInPlace,
    Reboot,
    Terminate,
}

impl Action {
    /// The API's name for the action.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Poweron => "poweron",
            Action::Poweroff => "poweroff",
            Action::StopInPlace => "stop_in_place",
            Action::Reboot => "reboot",
            Action::Terminate => "terminate",
        }
    }

    /// Parses the API's name for the action.
    pub fn parse(name: &str) -> Option<Action> {
        [
            Action::Poweron,
            Action::Poweroff,
            Action::StopInPlace,
            Action::Reboot,
            Action::Terminate,
        ]
        .into_iter()
        .find(|a| a.as_str() == name)
    }

    /// The task description the API gives the action.
    pub(crate) fn task_description(self) -> &'static str {
        match self {
            Action::Poweron => "server_batch_poweron",
            Action::Poweroff => "server_poweroff",
            Action::StopInPlace => "server_stop_in_place",
            Action::Reboot => "server_reboot",
            Action::Terminate => "server_terminate",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an action was refused.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error("zone {0} is not simulated")]
    UnknownZone(String),
    #[error("server {id} not found in zone {zone}")]
    UnknownServer { zone: String, id: String },
    #[error("action {action} is not allowed while the server is {state}")]
    NotAllowed { action: Action, state: String },
}
