#[derive(Debug, Clone, PartialEq)]
pub struct TraceStep {
    pub reasoning: String,
    pub tokens: u32,
    pub calls: Vec<Call>,
}
#[doc(hidden)]
const _: () = {
    #[derive(
        ::palimpsest::__private::serde::Serialize,
        ::palimpsest::__private::serde::Deserialize
    )]
    #[serde(crate = "::palimpsest::__private::serde", remote = "TraceStep")]
    #[serde(rename = "TraceStep")]
    #[allow(dead_code)]
    struct __PalimpsestRemote {
        #[serde(alias = "thought")]
        reasoning: String,
        #[serde(default)]
        tokens: u32,
        #[serde(default)]
        calls: Vec<Call>,
    }
    fn __palimpsest_history() -> &'static ::palimpsest::__private::EmbeddedHistory {
        static __HISTORY: ::std::sync::OnceLock<
            ::palimpsest::__private::EmbeddedHistory,
        > = ::std::sync::OnceLock::new();
        fn __fields(__shape: &mut ::palimpsest::__private::Shape) {
            #[allow(unused_imports)]
            use ::palimpsest::__private::{ProbeEmbedded as _, ProbePlain as _};
            (&&::palimpsest::__private::Probe::<String>::new())
                .probe(__shape, &["reasoning", "thought"]);
            (&&::palimpsest::__private::Probe::<u32>::new()).probe(__shape, &["tokens"]);
            (&&::palimpsest::__private::Probe::<Vec<Call>>::new())
                .probe(__shape, &["calls"]);
        }
        fn __build() -> ::palimpsest::__private::EmbeddedHistory {
            ::palimpsest::__private::EmbeddedChecked::new("TraceStep")
                .change(
                    ::palimpsest::__private::semver(0, 2, 0),
                    ::palimpsest::__private::ops()
                        .rename("thought", "reasoning")
                        .try_add(
                            "tokens",
                            (|| ::palimpsest::__private::default_value(
                                &<u32 as ::core::default::Default>::default(),
                            )) as ::palimpsest::__private::DefaultFn,
                        ),
                )
                .change(
                    ::palimpsest::__private::semver(0, 3, 0),
                    ::palimpsest::__private::ops().drop_field("notes"),
                )
                .claims(&["calls", "reasoning", "thought", "tokens"])
                .fields(__fields)
                .build()
        }
        ::palimpsest::__private::history_once(&__HISTORY, __build)
    }
    #[automatically_derived]
    impl ::palimpsest::__private::Embedded for TraceStep {
        fn history() -> &'static ::palimpsest::__private::EmbeddedHistory {
            __palimpsest_history()
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
    impl ::palimpsest::__private::Embeds for TraceStep {
        fn probe(
            __shape: &mut ::palimpsest::__private::Shape,
            __at: ::palimpsest::__private::Pattern,
        ) {
            __shape.site::<Self>(__at);
        }
    }
    #[automatically_derived]
    impl ::palimpsest::__private::serde::Serialize for TraceStep {
        fn serialize<__S>(
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
    impl<'de> ::palimpsest::__private::serde::Deserialize<'de> for TraceStep {
        fn deserialize<__D>(
            __deserializer: __D,
        ) -> ::core::result::Result<Self, __D::Error>
        where
            __D: ::palimpsest::__private::serde::Deserializer<'de>,
        {
            ::palimpsest::__private::deserialize_embedded::<Self, __D>(__deserializer)
        }
    }
};
