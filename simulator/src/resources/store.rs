//! Where the lists live: per zone (in the world's [`Zone`](crate::world::Zone), beside its
//! servers, under the simulator's one lock), each item written once in its API's style. A
//! catalog (offers, volume types, server types) is made the first time its zone is read.

use super::{catalogs, Resource};

/// One item of a list, as its API writes it.
#[derive(Clone, Debug)]
pub(crate) struct Listed {
    pub id: String,
    /// What the kind's query filter matches (an Elastic Metal offer's subscription period).
    pub facet: String,
    pub json: Box<[u8]>,
}

impl Listed {
    pub(crate) fn new(id: String, json: Vec<u8>) -> Self {
        Listed {
            id,
            facet: String::new(),
            json: json.into_boxed_slice(),
        }
    }

    pub(crate) fn with_facet(mut self, facet: &str) -> Self {
        facet.clone_into(&mut self.facet);
        self
    }
}

/// A zone's lists, by [`Resource::index`]; `None` until made.
#[derive(Default)]
pub(crate) struct Lists {
    lists: Vec<Option<Vec<Listed>>>,
}

impl Lists {
    /// The zone's list of `kind`, made on first use from its zone.
    pub(crate) fn get(&mut self, kind: Resource, zone: &str) -> &mut Vec<Listed> {
        if self.lists.len() <= kind.index() {
            self.lists.resize_with(Resource::ALL.len(), || None);
        }
        self.lists[kind.index()].get_or_insert_with(|| catalogs::catalog(kind, zone))
    }
}
