//! The states of each product, as types: one enum per product, and [`State`], a state of
//! any product (docs/api-notes.md#server-states, docs/api-notes.md#product-states).
//!
//! Each product's states are its API's spellings, which are also the `state` label values,
//! in the order the metrics write them. Anything else the API says (a state newer than this
//! release, an empty or a missing one, Apple silicon's `unknown_status`) is the product's
//! `Unknown`. The API enums are lower case: `Ready` is not `ready`.

use super::Product;

/// Declares one product's state enum: each variant with its label (and the other spellings
/// the API has used for it), `ALL`, `STATES` (as [`State`]s), `label` and `from_api`.
macro_rules! states {
    (
        $(#[$doc:meta])*
        $name:ident in $product:ident {
            $($variant:ident = $label:literal $(| $alias:literal)*),* $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant),*
        }

        impl $name {
            /// Every state, in the order the metrics write them.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            /// [`Self::ALL`] as states of any product.
            pub const STATES: &'static [State] = &[$(State::$product($name::$variant)),*];

            /// The API's spelling, which is also the `state` label value.
            pub const fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label),*
                }
            }

            /// The state the API's text names; `Unknown` for anything else.
            pub fn from_api(text: &str) -> $name {
                match text {
                    $($label $(| $alias)* => $name::$variant,)*
                    _ => $name::Unknown,
                }
            }
        }
    };
}

states! {
    /// An Instance's state. `stopped_in_place` is the spelling of Scaleway's Python SDK
    /// (docs/api-notes.md#stopped-in-place-and-stopped_in_place).
    InstanceState in Instance {
        Running = "running",
        Stopped = "stopped",
        StoppedInPlace = "stopped in place" | "stopped_in_place",
        Starting = "starting",
        Stopping = "stopping",
        Locked = "locked",
        Unknown = "unknown",
    }
}

states! {
    /// An Elastic Metal server's `status`.
    ElasticMetalState in ElasticMetal {
        Unknown = "unknown",
        Delivering = "delivering",
        Ready = "ready",
        Stopping = "stopping",
        Stopped = "stopped",
        Starting = "starting",
        Error = "error",
        Deleting = "deleting",
        Locked = "locked",
        OutOfStock = "out_of_stock",
        Ordered = "ordered",
        Resetting = "resetting",
        Migrating = "migrating",
    }
}

states! {
    /// An Apple silicon server's `status` (its API's `unknown_status` is `unknown`).
    AppleSiliconState in AppleSilicon {
        Ready = "ready",
        Starting = "starting",
        Error = "error",
        Rebooting = "rebooting",
        Updating = "updating",
        Locking = "locking",
        Locked = "locked",
        Unlocking = "unlocking",
        Reinstalling = "reinstalling",
        Busy = "busy",
        Unknown = "unknown" | "unknown_status",
    }
}

states! {
    /// A Dedibox server's `status`.
    DediboxState in Dedibox {
        Unknown = "unknown",
        Delivering = "delivering",
        Installing = "installing",
        Ready = "ready",
        Stopped = "stopped",
        Error = "error",
        Locked = "locked",
        Rescue = "rescue",
        Busy = "busy",
    }
}

/// A state of a server of any product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    Instance(InstanceState),
    ElasticMetal(ElasticMetalState),
    AppleSilicon(AppleSiliconState),
    Dedibox(DediboxState),
}

impl State {
    /// The product whose state this is.
    pub const fn product(self) -> Product {
        match self {
            State::Instance(_) => Product::Instance,
            State::ElasticMetal(_) => Product::ElasticMetal,
            State::AppleSilicon(_) => Product::AppleSilicon,
            State::Dedibox(_) => Product::Dedibox,
        }
    }

    /// The `state` label value.
    pub const fn label(self) -> &'static str {
        match self {
            State::Instance(s) => s.label(),
            State::ElasticMetal(s) => s.label(),
            State::AppleSilicon(s) => s.label(),
            State::Dedibox(s) => s.label(),
        }
    }

    /// The state of `product` that the API's `text` names; `unknown` for anything else, and
    /// when the API says nothing.
    pub fn from_api(product: Product, text: Option<&str>) -> State {
        let text = text.unwrap_or_default();
        match product {
            Product::Instance => State::Instance(InstanceState::from_api(text)),
            Product::ElasticMetal => State::ElasticMetal(ElasticMetalState::from_api(text)),
            Product::AppleSilicon => State::AppleSilicon(AppleSiliconState::from_api(text)),
            Product::Dedibox => State::Dedibox(DediboxState::from_api(text)),
        }
    }

    /// The state of `product` that a label names, for filters; `None` for anything else.
    pub fn from_label(product: Product, label: &str) -> Option<State> {
        product
            .states()
            .iter()
            .copied()
            .find(|s| s.label() == label)
    }

    /// The `unknown` state of `product`.
    pub const fn unknown(product: Product) -> State {
        match product {
            Product::Instance => State::Instance(InstanceState::Unknown),
            Product::ElasticMetal => State::ElasticMetal(ElasticMetalState::Unknown),
            Product::AppleSilicon => State::AppleSilicon(AppleSiliconState::Unknown),
            Product::Dedibox => State::Dedibox(DediboxState::Unknown),
        }
    }

    /// True in the state in which its product's servers serve (`running`, `ready`).
    pub fn is_up(self) -> bool {
        self == self.product().up_state()
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_state_of_a_product_maps_to_itself_and_anything_else_is_unknown() {
        for product in Product::ALL {
            for state in product.states() {
                assert_eq!(State::from_api(product, Some(state.label())), *state);
                assert_eq!(State::from_label(product, state.label()), Some(*state));
            }
            let unknown = State::unknown(product);
            assert_eq!(State::from_api(product, Some("hibernating")), unknown);
            assert_eq!(State::from_api(product, Some("")), unknown);
            assert_eq!(State::from_api(product, None), unknown);
        }
        assert_eq!(
            State::from_api(Product::AppleSilicon, Some("unknown_status")),
            State::unknown(Product::AppleSilicon)
        );
        assert_eq!(
            State::from_api(Product::ElasticMetal, Some("Ready")),
            State::unknown(Product::ElasticMetal),
            "the APIs' enums are lower case"
        );
        assert_eq!(
            State::from_api(Product::Instance, Some("stopped_in_place")),
            State::Instance(InstanceState::StoppedInPlace)
        );
        assert_eq!(
            State::from_label(Product::Instance, "stopped_in_place"),
            None,
            "the label is the exporter's spelling"
        );
    }

    #[test]
    fn the_up_state_is_running_for_instances_and_ready_for_the_others() {
        assert_eq!(Product::Instance.up_state().label(), "running");
        for product in &Product::ALL[1..] {
            assert_eq!(product.up_state().label(), "ready", "{product}");
        }
        assert!(State::Instance(InstanceState::Running).is_up());
        assert!(!State::Dedibox(DediboxState::Busy).is_up());
    }
}
