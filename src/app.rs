//! `TrackmaniaApi`'s token half: the app's client-credentials token, a driver of the token
//! lifecycle (`managed.rs`) with nothing shared (each renewal is a new grant).

use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::bearer::{self, Origin};
use super::exchange::{oauth_receipt_time, Outcome};
use super::failure::Failure;
use super::managed::{self, Managed, Source};
use super::oauth::App;
use super::options;
use super::tasks::promise;
use crate::core::lifecycle::{Plan, Policy, Receipt};
use crate::core::oauth::{self, Grant, HeldTokens, OAuthTokens};

/// Renew a client-credentials token this long before it expires (seconds).
const RENEW_BEFORE_S: f64 = 60.0;

/// An OAuth answer's tokens as a managed client holds them: `expiresAt` on the service's clock
/// (the answer's `Date`, else its token's `iat`, else the client's clock moved by the offset
/// learnt so far), and when they came.
pub(crate) fn held_tokens<P: crate::core::lifecycle::Pair>(
    m: &Managed<P>,
    tokens: OAuthTokens,
    date: Option<f64>,
) -> (HeldTokens, Receipt) {
    let local = m.now_s();
    let service = m.lc.borrow().service_now(local);
    let at = oauth_receipt_time(&tokens, date, service);
    let receipt = Receipt {
        local,
        date,
        minted: true,
        after_401: None,
    };
    let expires_at = at + tokens.expires_in;
    (HeldTokens { tokens, expires_at }, receipt)
}

/// The app's token and the grant that renews it.
struct AppToken {
    app: App,
    managed: Managed<HeldTokens>,
}

impl Source for AppToken {
    type Pair = HeldTokens;

    fn managed(&self) -> &Managed<HeldTokens> {
        &self.managed
    }

    async fn look(&self) {}

    async fn obtain(&self, _plan: &Plan) -> Result<(HeldTokens, Receipt), Failure> {
        let grants = &self.managed.logins;
        grants.set(grants.get() + 1);
        match self
            .app
            .grant(&Grant::ClientCredentials, None)?
            .send()
            .await?
        {
            Outcome::OAuthTokens(t, date) => Ok(held_tokens(&self.managed, t, date)),
            _ => Err(oauth::E_ANSWER.into()),
        }
    }

    fn refresh_refused(&self, _: &Failure) -> bool {
        false
    }

    async fn save(&self, _new_pair: bool) {}
}

/// The token half of `TrackmaniaApi` (the class itself is in api.js, which holds this object
/// privately): a client-credentials token kept and renewed 60 s before it expires, one grant
/// at a time, under the failure policy.
#[wasm_bindgen(js_name = ApiTokens, skip_typescript)]
pub struct ApiTokens {
    token: Rc<AppToken>,
    origin: Origin,
}

#[wasm_bindgen(js_class = ApiTokens)]
impl ApiTokens {
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<ApiTokens, Failure> {
        let mut o: options::OAuth = options::read(&options)?;
        let app = App::of(&mut o)?;
        // Every argument of the grant checked now, nothing sent.
        app.grant(&Grant::ClientCredentials, None)?;
        let policy = Policy {
            margin: RENEW_BEFORE_S,
            can_login: true,
            save_first: false,
            shared: false,
        };
        Ok(ApiTokens {
            origin: Origin::of(&app.api)?,
            token: Rc::new(AppToken {
                app,
                managed: Managed::new(policy, o.now.map(|f| f.0)),
            }),
        })
    }

    #[wasm_bindgen(js_name = accessToken)]
    pub fn access_token(&self, options: JsValue) -> js_sys::Promise {
        let token = self.token.clone();
        promise(Box::pin(async move {
            let signal = options::call_signal(&options)?;
            managed::access_token(token, &signal)
                .await
                .map(JsValue::from)
        }))
    }

    /// For `fetch` (api.js): the fetch function to send `url` with, or `INVALID_ARGUMENT` when
    /// `url` is not on the apiUrl origin (the app's token is sent nowhere else).
    pub fn route(&self, url: &str) -> Result<js_sys::Function, Failure> {
        self.origin.check(url)?;
        Ok(self.token.app.transport.fetch.clone())
    }

    /// For `fetch` (api.js): an API answered 401 to `token`; whether a retry may follow.
    pub fn refused(&self, token: &str) -> bool {
        self.token.managed.refused(token)
    }

    /// For `fetch` (api.js): the UNAUTHORIZED error of a 401 that is final.
    #[wasm_bindgen(js_name = finalRefusal)]
    pub fn final_refusal(&self, status: u16, body: String) -> JsValue {
        bearer::final_refusal(status, body)
    }

    /// Client-credentials grants made so far.
    #[wasm_bindgen(getter)]
    pub fn grants(&self) -> u32 {
        self.token.managed.logins.get()
    }
}
