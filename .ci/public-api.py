#!/usr/bin/env python3
"""The public API of a crate, one item a line, from rustdoc's JSON output.

    cargo +nightly rustdoc -p palimpsest --all-features --lib -- \
        -Z unstable-options --output-format json
    .ci/public-api.py target/doc/palimpsest.json > palimpsest/public-api.txt

Lists every item a user can name (walking the root module and its public
modules, re-exports under the name they are exported as), the variants and
public fields of types, inherent methods, trait methods, and the traits each
type implements (auto and blanket impls left out: they follow from the rest).
Items hidden from the docs (`__private`) are not in rustdoc's output.

.ci/run compares this list with the committed one, so every change to the
public API is a deliberate one, seen in review.
"""

import json
import sys


def main(path):
    doc = json.load(open(path))
    index = doc["index"]
    root = index[str(doc["root"])]
    lines = set()
    seen_modules = set()

    def kind_of(item):
        return next(iter(item["inner"]))

    def walk_module(module, prefix):
        if module["id"] in seen_modules:
            return
        seen_modules.add(module["id"])
        for child_id in module["inner"]["module"]["items"]:
            child = index.get(str(child_id))
            if child is None or child.get("visibility") != "public":
                continue
            kind = kind_of(child)
            if kind == "use":
                use = child["inner"]["use"]
                target = index.get(str(use["id"])) if use.get("id") is not None else None
                name = use["name"]
                if target is None:
                    lines.add(f"re-export {prefix}::{name} = {use['source']}")
                    continue
                item(target, f"{prefix}::{name}")
            else:
                item(child, f"{prefix}::{child['name']}")

    def item(node, path):
        kind = kind_of(node)
        if kind == "module":
            lines.add(f"mod {path}")
            walk_module(node, path)
            return
        label = {
            "function": "fn",
            "struct": "struct",
            "enum": "enum",
            "trait": "trait",
            "type_alias": "type",
            "constant": "const",
            "static": "static",
            "macro": "macro",
            "proc_macro": "proc-macro",
        }.get(kind, kind)
        lines.add(f"{label} {path}")
        inner = node["inner"][kind]
        if kind == "struct":
            fields = inner["kind"]
            if isinstance(fields, dict) and "plain" in fields:
                for field_id in fields["plain"]["fields"]:
                    field = index.get(str(field_id))
                    if field and field.get("visibility") == "public":
                        lines.add(f"field {path}::{field['name']}")
            impls(inner.get("impls", []), path)
        elif kind == "enum":
            for variant_id in inner["variants"]:
                variant = index[str(variant_id)]
                lines.add(f"variant {path}::{variant['name']}")
                variant_kind = variant["inner"]["variant"]["kind"]
                if isinstance(variant_kind, dict) and "struct" in variant_kind:
                    for field_id in variant_kind["struct"]["fields"]:
                        field = index.get(str(field_id))
                        if field:
                            lines.add(f"field {path}::{variant['name']}::{field['name']}")
            impls(inner.get("impls", []), path)
        elif kind == "trait":
            for method_id in inner["items"]:
                method = index.get(str(method_id))
                if method:
                    lines.add(f"trait-item {path}::{method['name']}")

    def impls(impl_ids, path):
        for impl_id in impl_ids:
            impl = index.get(str(impl_id))
            if impl is None:
                continue
            inner = impl["inner"]["impl"]
            if inner.get("is_synthetic") or inner.get("blanket_impl"):
                continue
            trait = inner.get("trait")
            if trait is None:
                for method_id in inner["items"]:
                    method = index.get(str(method_id))
                    if method and method.get("visibility") == "public":
                        label = "const" if kind_of(method) == "constant" else "method"
                        lines.add(f"{label} {path}::{method['name']}")
            else:
                lines.add(f"impl {trait['path']} for {path}")

    walk_module(root, root["name"])
    print("\n".join(sorted(lines)))


if __name__ == "__main__":
    main(sys.argv[1])
