//! The pages: the landing page, and the fleet as an HTML table and as JSON (pure).

mod fleet;
mod landing;

pub use fleet::{fleet_html, inventory_json, FleetQuery};
pub use landing::{escape_html, landing_page};
