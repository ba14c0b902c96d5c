//! The schema comparison: two schemas' [`Shape`]s, step by step (type, nullability,
//! constraints, enum values, fields, items, members), into [`Kind`]s of change.

use std::collections::BTreeSet;

use super::doc::{Node, omitted_of, reason_of};
use super::shape::Shape;
use super::{Differ, Direction, Kind, View};

/// `set` in words: its items joined by `, `, or `none`.
pub fn set_text(set: &BTreeSet<String>) -> String {
    if set.is_empty() {
        "none".into()
    } else {
        set.iter().cloned().collect::<Vec<_>>().join(", ")
    }
}

impl<'a> Differ<'a> {
    /// Compares the schemas `old` and `new`, found at `what`, travelling in `direction`; each
    /// pair of places once per direction.
    pub(super) fn schema(
        &mut self,
        what: &str,
        old: &Node<'a>,
        new: &Node<'a>,
        direction: Direction,
    ) {
        let Some(what) = self.named(what, old, new) else {
            return;
        };
        let key = (
            self.old.place(old).pointer(),
            self.new.place(new).pointer(),
            direction,
        );
        if !self.seen.insert(key) {
            return;
        }
        let (was, is) = (
            Shape::of(self.old, old, self.view),
            Shape::of(self.new, new, self.view),
        );
        let pair = Pair {
            what: &what,
            old,
            new,
            was: &was,
            is: &is,
        };
        if self.type_changed(&pair) {
            return;
        }
        self.nullable(&pair);
        self.constraints(&pair);
        self.enumeration(&pair, direction);
        self.fields(&pair, direction);
        if let (Some(old), Some(new)) = (&was.items, &is.items) {
            self.schema(&format!("{what}[]"), old, new, direction);
        }
        self.members(&pair, direction);
    }

    /// As types, a named schema is its own type: a change of name is a change of type (and
    /// `None` is returned), and the schema is named by its name. On the wire names are not
    /// compared.
    fn named(&mut self, what: &str, old: &Node<'a>, new: &Node<'a>) -> Option<String> {
        if self.view == View::Wire {
            return Some(what.to_string());
        }
        let inline = || "an inline schema".to_string();
        let (was, is) = match (&old.name, &new.name) {
            (Some(was), Some(is)) if was == is => return Some(was.clone()),
            (None, None) => return Some(what.to_string()),
            (was, is) => (
                was.clone().unwrap_or_else(inline),
                is.clone().unwrap_or_else(inline),
            ),
        };
        let kind = Kind::TypeChanged {
            schema: what.to_string(),
            was,
            is,
        };
        self.push(kind, Some(old), Some(new), old.reason());
        None
    }

    /// A change of type, which makes the rest of the comparison moot: on the wire of the
    /// `type`s (when both have one), as types of the kind.
    fn type_changed(&mut self, pair: &Pair<'_, 'a>) -> bool {
        let (was, is) = match self.view {
            View::Wire => {
                let (was, is) = (pair.was.types(), pair.is.types());
                if was == is || was.is_empty() || is.is_empty() {
                    return false;
                }
                (set_text(&was), set_text(&is))
            }
            View::Types if pair.was.kind == pair.is.kind => return false,
            View::Types => (pair.was.kind.clone(), pair.is.kind.clone()),
        };
        let kind = Kind::TypeChanged {
            schema: pair.what.to_string(),
            was,
            is,
        };
        self.push_pair(kind, pair);
        true
    }

    fn nullable(&mut self, pair: &Pair<'_, 'a>) {
        let (was, is) = (pair.was.nullable, pair.is.nullable);
        if was != is {
            let schema = pair.what.to_string();
            self.push_pair(Kind::NullableChanged { schema, was, is }, pair);
        }
    }

    fn constraints(&mut self, pair: &Pair<'_, 'a>) {
        let (was, is) = (&pair.was.constraints, &pair.is.constraints);
        if was != is {
            let kind = Kind::Constraints {
                schema: pair.what.to_string(),
                was: was.clone(),
                is: is.clone(),
            };
            self.push_pair(kind, pair);
        }
    }

    /// Enum values, compared as sets; as types, only a string's (an enum of strings is a Rust
    /// enum, any other enum a value of its type).
    fn enumeration(&mut self, pair: &Pair<'_, 'a>, direction: Direction) {
        if self.view == View::Types && pair.was.kind != "string" {
            return;
        }
        let set = |values: &Option<Vec<String>>| -> Option<BTreeSet<String>> {
            values
                .as_ref()
                .map(|values| values.iter().cloned().collect())
        };
        let (was, is) = (&pair.was.enumeration, &pair.is.enumeration);
        if set(was) != set(is) {
            let kind = Kind::Enum {
                schema: pair.what.to_string(),
                was: was.clone(),
                is: is.clone(),
                direction,
            };
            self.push_pair(kind, pair);
        }
    }

    /// The new schema's fields (added, or compared with the old one's), then the old fields
    /// it lacks.
    fn fields(&mut self, pair: &Pair<'_, 'a>, direction: Direction) {
        let (was, is) = (pair.was, pair.is);
        for (field, there) in &is.properties {
            let required = is.required.contains(field);
            let Some((_, here)) = was.properties.iter().find(|(known, _)| known == field) else {
                let kind = Kind::FieldAdded {
                    schema: pair.what.to_string(),
                    field: field.clone(),
                    required,
                    direction,
                };
                let recorded = omitted_of(&was.marks, field);
                self.push(kind, Some(pair.old), Some(there), recorded);
                continue;
            };
            let required_was = was.required.contains(field);
            if required != required_was {
                let kind = Kind::FieldRequired {
                    schema: pair.what.to_string(),
                    field: field.clone(),
                    was: required_was,
                    is: required,
                };
                self.push(kind, Some(here), Some(there), here.reason());
            }
            self.schema(&format!("{}.{field}", pair.what), here, there, direction);
        }
        for (field, here) in &was.properties {
            if !is.properties.iter().any(|(known, _)| known == field) {
                let kind = Kind::FieldRemoved {
                    schema: pair.what.to_string(),
                    field: field.clone(),
                    listed: !is.properties.is_empty(),
                };
                self.push(kind, Some(here), Some(pair.new), here.reason());
            }
        }
    }

    /// Members that are not merged: a different number of them, else each compared.
    fn members(&mut self, pair: &Pair<'_, 'a>, direction: Direction) {
        let (was, is) = (&pair.was.members, &pair.is.members);
        if was.len() != is.len() {
            let kind = Kind::MembersChanged {
                schema: pair.what.to_string(),
                was: was.len(),
                is: is.len(),
            };
            self.push_pair(kind, pair);
            return;
        }
        for (index, (old, new)) in was.iter().zip(is).enumerate() {
            self.schema(&format!("{}#{index}", pair.what), old, new, direction);
        }
    }

    /// Adds a change of the schema pair as a whole, recorded when the old schema says so.
    fn push_pair(&mut self, kind: Kind, pair: &Pair<'_, 'a>) {
        let recorded = reason_of(&pair.was.marks);
        self.push(kind, Some(pair.old), Some(pair.new), recorded);
    }
}

/// Two schemas being compared: their place in words, their nodes and their shapes.
struct Pair<'p, 'a> {
    what: &'p str,
    old: &'p Node<'a>,
    new: &'p Node<'a>,
    was: &'p Shape<'a>,
    is: &'p Shape<'a>,
}
