//! Basic auth: every path asks for it but `/healthz` (which says only "ok", and which the
//! container health check asks for without a password, as the toolkit's newer
//! `auth_excluded_paths` allows), a user's password is checked
//! against its bcrypt hash, and an unknown user is checked against a decoy hash of the same
//! cost, so a wrong user name costs as much as a wrong password. bcrypt is slow on purpose;
//! one check runs at a time, off the async threads, and outcomes are cached by a digest of
//! the user and password so that a scraper's every scrape does not pay for it.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;

use super::WebNotice;
use crate::config::check_bcrypt_hash;

/// The one path served without a password: liveness tells nothing about the fleet.
const HEALTHZ: &str = "/healthz";

/// The cost of the decoy hash when no user is configured with a higher one (Go's default).
const DEFAULT_BCRYPT_COST: u32 = 10;
/// Outcomes of basic-auth checks remembered, by digest of user and password.
const AUTH_CACHE_SIZE: usize = 128;

/// The configured users, and what it takes to check them in constant cost.
pub struct BasicAuth {
    pub(super) users: HashMap<String, String>,
    /// A hash no password matches, at the highest cost of the users' hashes.
    decoy: String,
    /// One bcrypt at a time: a flood of wrong passwords costs one core, not all of them.
    bcrypt: tokio::sync::Mutex<()>,
    cache: Mutex<HashMap<[u8; 32], bool>>,
    comparisons: AtomicU64,
}

impl BasicAuth {
    /// The checker of `users`; a hash that Go's checks take but bcrypt cannot read leaves its
    /// user unable to log in, which `notices` says.
    pub fn new(users: &BTreeMap<String, String>, notices: &mut Vec<WebNotice>) -> BasicAuth {
        let cost = users
            .values()
            .filter_map(|hash| check_bcrypt_hash(hash).ok())
            .max()
            .unwrap_or(DEFAULT_BCRYPT_COST);
        for (user, hash) in users {
            if hash.parse::<bcrypt::HashParts>().is_err() {
                notices.push(WebNotice::UserCannotLogIn(user.clone()));
            }
        }
        let random: [u8; 16] = rand::random();
        let decoy = bcrypt::hash(random, cost).unwrap_or_default();
        BasicAuth {
            users: users.clone().into_iter().collect(),
            decoy,
            bcrypt: tokio::sync::Mutex::new(()),
            cache: Mutex::new(HashMap::new()),
            comparisons: AtomicU64::new(0),
        }
    }

    /// True when `user` is configured and `password` matches its hash.
    pub async fn check(&self, user: &str, password: &str) -> bool {
        let key = digest(user, password);
        if let Some(known) = self
            .cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
        {
            return *known;
        }
        let (known_user, hash) = match self.users.get(user) {
            Some(hash) => (true, hash.clone()),
            None => (false, self.decoy.clone()),
        };
        let password = password.to_owned();
        let matched = {
            let _one_at_a_time = self.bcrypt.lock().await;
            self.comparisons.fetch_add(1, Ordering::Relaxed);
            tokio::task::spawn_blocking(move || bcrypt::verify(password, &hash).unwrap_or(false))
                .await
                .unwrap_or(false)
        };
        let ok = known_user && matched;
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= AUTH_CACHE_SIZE {
            cache.clear();
        }
        cache.insert(key, ok);
        ok
    }

    /// bcrypt comparisons made so far: a wrong user name makes one, as a wrong password does.
    pub fn bcrypt_comparisons(&self) -> u64 {
        self.comparisons.load(Ordering::Relaxed)
    }
}

fn digest(user: &str, password: &str) -> [u8; 32] {
    let mut context = ring::digest::Context::new(&ring::digest::SHA256);
    context.update(&(user.len() as u64).to_be_bytes());
    context.update(user.as_bytes());
    context.update(password.as_bytes());
    let mut out = [0u8; 32];
    out.copy_from_slice(context.finish().as_ref());
    out
}

/// `Authorization: Basic base64(user:password)`.
fn credentials(request: &Request) -> Option<(String, String)> {
    let value = request
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

pub(super) async fn require_basic_auth(
    State(auth): State<Arc<BasicAuth>>,
    request: Request,
    next: Next,
) -> Response {
    if request.uri().path() == HEALTHZ {
        return next.run(request).await;
    }
    if let Some((user, password)) = credentials(&request) {
        if auth.check(&user, &password).await {
            return next.run(request).await;
        }
    }
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Basic")],
        "Unauthorized\n",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_unknown_user_costs_one_bcrypt_comparison_like_a_known_one() {
        let hash = bcrypt::hash("s3cret", 4).unwrap();
        let auth = BasicAuth::new(
            &BTreeMap::from([("prometheus".to_owned(), hash)]),
            &mut Vec::new(),
        );
        assert!(auth.check("prometheus", "s3cret").await);
        assert_eq!(auth.bcrypt_comparisons(), 1);
        assert!(!auth.check("prometheus", "wrong").await);
        assert_eq!(auth.bcrypt_comparisons(), 2);
        assert!(
            !auth.check("mallory", "s3cret").await,
            "an unknown user never passes"
        );
        assert_eq!(
            auth.bcrypt_comparisons(),
            3,
            "an unknown user is compared too"
        );
        assert!(auth.check("prometheus", "s3cret").await);
        assert_eq!(
            auth.bcrypt_comparisons(),
            3,
            "a known outcome comes from the cache"
        );
        assert!(
            auth.decoy.starts_with("$2b$04$"),
            "the decoy has the users' cost"
        );
    }
}
