#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    pub problem_statement: String,
    pub outcome: String,
    pub tags: Vec<String>,
    pub context: TraceContext,
}
#[doc(hidden)]
const _: () = {
    #[derive(
        ::palimpsest::__private::serde::Serialize,
        ::palimpsest::__private::serde::Deserialize
    )]
    #[serde(crate = "::palimpsest::__private::serde", remote = "Trace")]
    #[serde(rename = "Trace")]
    #[allow(dead_code)]
    struct __PalimpsestRemote {
        problem_statement: String,
        #[serde(alias = "result")]
        outcome: String,
        #[serde(default)]
        tags: Vec<String>,
        #[serde(default)]
        context: TraceContext,
    }
    fn __palimpsest_schema() -> &'static ::palimpsest::__private::Schema {
        static __SCHEMA: ::std::sync::OnceLock<::palimpsest::__private::Schema> = ::std::sync::OnceLock::new();
        fn __fields(__shape: &mut ::palimpsest::__private::Shape) {
            #[allow(unused_imports)]
            use ::palimpsest::__private::{ProbeEmbedded as _, ProbePlain as _};
            (&&::palimpsest::__private::Probe::<String>::new())
                .probe(__shape, &["problem_statement"]);
            (&&::palimpsest::__private::Probe::<String>::new())
                .probe(__shape, &["outcome", "result"]);
            (&&::palimpsest::__private::Probe::<Vec<String>>::new())
                .probe(__shape, &["tags"]);
            (&&::palimpsest::__private::Probe::<TraceContext>::new())
                .probe(__shape, &["context"]);
        }
        fn __build() -> ::palimpsest::__private::Schema {
            ::palimpsest::__private::Checked::new(
                    "Trace",
                    ::palimpsest::__private::semver(0, 3, 0),
                    ::palimpsest::__private::semver(0, 0, 1),
                    "schema_version",
                )
                .metadata(&["context", "metadata"])
                .claims(&["context", "outcome", "problem_statement", "result", "tags"])
                .step(
                    ::palimpsest::__private::semver(0, 0, 1),
                    ::palimpsest::__private::semver(0, 1, 0),
                    ::palimpsest::__private::ops(),
                )
                .step(
                    ::palimpsest::__private::semver(0, 1, 0),
                    ::palimpsest::__private::semver(0, 2, 0),
                    ::palimpsest::__private::ops()
                        .drop_field("scratch")
                        .rename("result", "outcome")
                        .try_add(
                            "tags",
                            (|| ::palimpsest::__private::default_value(
                                &<Vec<String> as ::core::default::Default>::default(),
                            )) as ::palimpsest::__private::DefaultFn,
                        ),
                )
                .step(
                    ::palimpsest::__private::semver(0, 2, 0),
                    ::palimpsest::__private::semver(0, 3, 0),
                    ::palimpsest::__private::ops()
                        .function(crate::steps::split_notes)
                        .preserve("notes"),
                )
                .embeds(::palimpsest::__private::semver(0, 1, 0), false, __fields)
                .build()
        }
        ::palimpsest::__private::schema_once(&__SCHEMA, __build)
    }
    #[automatically_derived]
    impl ::palimpsest::__private::Versioned for Trace {
        fn schema() -> &'static ::palimpsest::__private::Schema {
            __palimpsest_schema()
        }
        fn deserialize_current<'de, __D>(
            __deserializer: __D,
        ) -> ::core::result::Result<Self, __D::Error>
        where
            __D: ::palimpsest::__private::serde::Deserializer<'de>,
            Self: ::palimpsest::__private::serde::Deserialize<'de>,
        {
            <__PalimpsestRemote>::deserialize(__deserializer)
        }
    }
    #[automatically_derived]
    impl Trace {
        /// The current schema version: the one every document of this
        /// type is written with.
        #[must_use]
        pub fn current_version() -> &'static ::palimpsest::Version {
            __palimpsest_schema().current()
        }
    }
    #[automatically_derived]
    impl ::palimpsest::__private::SerializePlain for Trace {
        fn serialize_plain<__S>(
            &self,
            __serializer: __S,
        ) -> ::core::result::Result<__S::Ok, __S::Error>
        where
            __S: ::palimpsest::__private::serde::Serializer,
        {
            <__PalimpsestRemote>::serialize(self, __serializer)
        }
    }
    #[automatically_derived]
    impl ::palimpsest::__private::serde::Serialize for Trace {
        fn serialize<__S>(
            &self,
            __serializer: __S,
        ) -> ::core::result::Result<__S::Ok, __S::Error>
        where
            __S: ::palimpsest::__private::serde::Serializer,
        {
            ::palimpsest::__private::serialize_root(
                self,
                __palimpsest_schema(),
                __serializer,
            )
        }
    }
    #[automatically_derived]
    impl<'de> ::palimpsest::__private::serde::Deserialize<'de> for Trace {
        fn deserialize<__D>(
            __deserializer: __D,
        ) -> ::core::result::Result<Self, __D::Error>
        where
            __D: ::palimpsest::__private::serde::Deserializer<'de>,
        {
            ::palimpsest::__private::deserialize::<Self, __D>(__deserializer)
        }
    }
};
