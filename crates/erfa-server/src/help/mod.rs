//! Help where people need it (issue 17): `/help`, how to search and how to write a good
//! write-up, in Danish and English, linked from the search box and the share form. The
//! search examples are links to live searches.

use askama::Template;
use axum::response::Response;

use crate::access::Access;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::page::{Ctx, Layout, html};
use crate::route::Route;

/// The routes of help.
pub(crate) fn routes() -> Vec<Route> {
    vec![Route::get(
        "/help",
        Access::Public,
        "Help: how to search, how to write a good write-up",
        help,
    )]
}

/// One example: what to type, and what it does.
struct Example {
    query: &'static str,
    text: &'static str,
}

/// One part of a write-up: its heading and what it is for.
struct Part {
    heading: &'static str,
    text: &'static str,
}

/// The help page's words.
struct Words {
    title: &'static str,
    intro: &'static str,
    search_heading: &'static str,
    search_intro: &'static str,
    examples: &'static [Example],
    filters_heading: &'static str,
    filters_intro: &'static str,
    filters: &'static [Example],
    forgiving_heading: &'static str,
    forgiving_intro: &'static str,
    forgiving: &'static [Example],
    typing_heading: &'static str,
    typing_text: &'static str,
    write_heading: &'static str,
    write_intro: &'static str,
    parts: &'static [Part],
    example_heading: &'static str,
    example_intro: &'static str,
    example: &'static str,
    anonymous_heading: &'static str,
    anonymous: &'static [&'static str],
    organisation_heading: &'static str,
    organisation_text: &'static str,
    share_link: &'static str,
}

const EN: Words = Words {
    title: "Help",
    intro: "How to find what the group has learned, and how to share what you have.",
    search_heading: "How to search",
    search_intro: "Type words in Danish or English. Write-ups with all your words come first, then those with some of them; a match in the title, the lesson learned or the mistake to avoid counts most.",
    examples: &[
        Example {
            query: "change freeze",
            text: "both words rank first, either one is enough",
        },
        Example {
            query: "\"change advisory board\"",
            text: "the exact phrase first, then some of its words",
        },
        Example {
            query: "cab -bank",
            text: "leave out write-ups with a word",
        },
        Example {
            query: "+swarming incident",
            text: "a word every hit must have (or write swarming AND incident)",
        },
        Example {
            query: "swarming OR tiers",
            text: "either word",
        },
    ],
    filters_heading: "Filters",
    filters_intro: "The filters beside the results (behind the “Filters” button on a phone) narrow them by kind, practice, tag, year and more. You can also type them:",
    filters: &[
        Example {
            query: "kind:mistake cab",
            text: "only write-ups of the kind “mistake”",
        },
        Example {
            query: "practices:change-enablement",
            text: "one of the 34 ITIL 4 practices, by its name with dashes",
        },
        Example {
            query: "section:mistake copied",
            text: "matches in the “Mistake to avoid” section only",
        },
        Example {
            query: "tags:governance",
            text: "a tag",
        },
    ],
    forgiving_heading: "The glossary and typing errors",
    forgiving_intro: "erfa knows the group's glossary of Danish and English ITSM terms and forgives small typing errors. It always says what it did, with a link back to your words.",
    forgiving: &[
        Example {
            query: "hændelse",
            text: "also finds English write-ups about incidents (“Also searched: incident”)",
        },
        Example {
            query: "incidnet",
            text: "“Showing results for incident — search instead for incidnet”",
        },
        Example {
            query: "stoerre",
            text: "oe, ae and aa for ø, æ and å: searched as “større” when that finds more",
        },
    ],
    typing_heading: "While you type",
    typing_text: "Results follow as you type, and the last word counts as the start of a word (“cha” finds “change”). Suggestions of titles and tags open under the box: choose one with the up and down arrows and Enter, or close them with Escape. Press / anywhere to jump to the search box. Back returns to your previous search.",
    write_heading: "How to write a good write-up",
    write_intro: "A write-up tells one experience so that another member can use it. Short is fine; what matters is the lesson and the mistake. Use these headings (in Danish or English); fill in what you can.",
    parts: &[
        Part {
            heading: "Problem",
            text: "what was wrong or what you set out to do, in a sentence or two",
        },
        Part {
            heading: "Context",
            text: "what someone needs to judge whether it applies to them: the size of the IT department, the sector, the tools",
        },
        Part {
            heading: "What happened",
            text: "what you did and what came of it",
        },
        Part {
            heading: "Lesson learned",
            text: "what you now know; the first thing other members read",
        },
        Part {
            heading: "Mistake to avoid",
            text: "what others should not repeat; searchable on its own",
        },
        Part {
            heading: "What we would do differently",
            text: "the advice you would give yourself",
        },
    ],
    example_heading: "A short example",
    example_intro: "Three sections are often enough:",
    example: "## Problem\n\nOur CAB reviewed every change, even printer queues.\n\n## Lesson learned\n\nScale the change advisory board to the organisation: standard changes need no meeting.\n\n## Mistake to avoid\n\nCopying a change process 1:1 from an organisation ten times your size.",
    anonymous_heading: "What stays anonymous",
    anonymous: &[
        "Leave the authors out and the write-up is shared anonymously; the facilitator still knows who sent it.",
        "Members-only write-ups are read by members of the group only; public ones by anyone, and only after the facilitator's review.",
        "Public pages never show the organisation, its size or its tools: in a group of a few dozen organisations those name one.",
        "Do not name people, customers or suppliers in the text unless they agreed to it.",
    ],
    organisation_heading: "The organisation field",
    organisation_text: "The organisation the experience comes from. Members see it, so they know whom to ask; it is never shown on public pages, never in the public search and never in the public feed. Leave it empty to keep it to yourself and the facilitator.",
    share_link: "Share an experience",
};

const DA: Words = Words {
    title: "Hjælp",
    intro: "Sådan finder du det, gruppen har lært, og sådan deler du det, du har lært.",
    search_heading: "Sådan søger du",
    search_intro: "Skriv ord på dansk eller engelsk. Erfaringer med alle dine ord kommer først, derefter dem med nogle af dem; et match i titlen, læringen eller fejlen at undgå tæller mest.",
    examples: &[
        Example {
            query: "change freeze",
            text: "begge ord kommer først, ét af dem er nok",
        },
        Example {
            query: "\"change advisory board\"",
            text: "præcis den frase først, derefter nogle af ordene",
        },
        Example {
            query: "cab -bank",
            text: "udelad erfaringer med et ord",
        },
        Example {
            query: "+swarming incident",
            text: "et ord, alle resultater skal have (eller skriv swarming AND incident)",
        },
        Example {
            query: "swarming OR tiers",
            text: "et af ordene",
        },
    ],
    filters_heading: "Filtre",
    filters_intro: "Filtrene ved siden af resultaterne (bag knappen “Filtre” på en telefon) afgrænser dem efter type, praksis, emne, år og mere. Du kan også skrive dem:",
    filters: &[
        Example {
            query: "kind:mistake cab",
            text: "kun erfaringer af typen “fejl”",
        },
        Example {
            query: "practices:change-enablement",
            text: "en af de 34 ITIL 4-praksisser, ved navnet med bindestreger",
        },
        Example {
            query: "section:mistake copied",
            text: "kun match i afsnittet “Fejl at undgå”",
        },
        Example {
            query: "tags:governance",
            text: "et emne",
        },
    ],
    forgiving_heading: "Ordlisten og stavefejl",
    forgiving_intro: "erfa kender gruppens ordliste over danske og engelske ITSM-begreber og tilgiver små stavefejl. Den siger altid, hvad den gjorde, med et link tilbage til dine ord.",
    forgiving: &[
        Example {
            query: "hændelse",
            text: "finder også engelske erfaringer om incidents (“Søgte også efter: incident”)",
        },
        Example {
            query: "incidnet",
            text: "“Viser resultater for incident — søg i stedet efter incidnet”",
        },
        Example {
            query: "stoerre",
            text: "oe, ae og aa for ø, æ og å: søgt som “større”, når det finder mere",
        },
    ],
    typing_heading: "Mens du skriver",
    typing_text: "Resultaterne følger med, mens du skriver, og det sidste ord tæller som begyndelsen på et ord (“ænd” finder “ændring”). Forslag til titler og emner åbner under feltet: vælg et med pil op og ned og Enter, eller luk dem med Escape. Tryk / hvor som helst for at gå til søgefeltet. Tilbage fører dig til din forrige søgning.",
    write_heading: "Sådan skriver du en god erfaring",
    write_intro: "En erfaring fortæller én oplevelse, så et andet medlem kan bruge den. Kort er fint; det vigtige er læringen og fejlen. Brug disse overskrifter (på dansk eller engelsk); udfyld det, du kan.",
    parts: &[
        Part {
            heading: "Problem",
            text: "hvad der var galt, eller hvad I ville, i en sætning eller to",
        },
        Part {
            heading: "Kontekst",
            text: "hvad andre skal vide for at vurdere, om det gælder dem: IT-afdelingens størrelse, sektoren, værktøjerne",
        },
        Part {
            heading: "Hvad skete der",
            text: "hvad I gjorde, og hvad der kom ud af det",
        },
        Part {
            heading: "Læring",
            text: "hvad I ved nu; det første, andre medlemmer læser",
        },
        Part {
            heading: "Fejl at undgå",
            text: "hvad andre ikke skal gentage; kan søges for sig",
        },
        Part {
            heading: "Det ville vi gøre anderledes",
            text: "rådet, I ville give jer selv",
        },
    ],
    example_heading: "Et kort eksempel",
    example_intro: "Tre afsnit er tit nok:",
    example: "## Problem\n\nVores CAB behandlede hver ændring, selv printerkøer.\n\n## Læring\n\nTilpas CAB til organisationen: standardændringer kræver intet møde.\n\n## Fejl at undgå\n\nAt kopiere en ændringsproces 1:1 fra en organisation, der er ti gange så stor.",
    anonymous_heading: "Hvad forbliver anonymt",
    anonymous: &[
        "Udelad forfatterne, så deles erfaringen anonymt; facilitatoren ved stadig, hvem der sendte den.",
        "Erfaringer kun for medlemmer læses kun af gruppens medlemmer; offentlige af alle, og først efter facilitatorens gennemsyn.",
        "Offentlige sider viser aldrig organisationen, dens størrelse eller dens værktøjer: i en gruppe med få dusin organisationer udpeger de én.",
        "Nævn ikke personer, kunder eller leverandører i teksten, medmindre de har sagt ja.",
    ],
    organisation_heading: "Feltet organisation",
    organisation_text: "Organisationen, erfaringen kommer fra. Medlemmer ser den, så de ved, hvem de kan spørge; den vises aldrig på offentlige sider, aldrig i den offentlige søgning og aldrig i det offentlige feed. Lad feltet stå tomt for at holde det mellem dig og facilitatoren.",
    share_link: "Del en erfaring",
};

/// An example as the page shows it: the query, its live search and what it does.
struct ExampleView {
    query: &'static str,
    href: String,
    text: &'static str,
}

#[derive(Template)]
#[template(path = "help.html")]
struct HelpTemplate {
    layout: Layout,
    w: &'static Words,
    examples: Vec<ExampleView>,
    filters: Vec<ExampleView>,
    forgiving: Vec<ExampleView>,
    /// Whether the viewer may share (the link to the form).
    share: bool,
}

fn views(examples: &'static [Example]) -> Vec<ExampleView> {
    examples
        .iter()
        .map(|e| ExampleView {
            query: e.query,
            href: format!(
                "/?q={}",
                form_urlencoded::byte_serialize(e.query.as_bytes()).collect::<String>()
            ),
            text: e.text,
        })
        .collect()
}

/// `GET /help`: how to search and how to write a good write-up.
async fn help(ctx: Ctx) -> Result<Response, AppError> {
    let w = match ctx.lang {
        Lang::En => &EN,
        Lang::Da => &DA,
    };
    let layout = ctx.layout(w.title.to_string(), "help", true);
    let share = layout.share;
    html(&HelpTemplate {
        layout,
        w,
        examples: views(w.examples),
        filters: views(w.filters),
        forgiving: views(w.forgiving),
        share,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_give_the_same_examples() {
        for (en, da) in [
            (EN.examples, DA.examples),
            (EN.filters, DA.filters),
            (EN.forgiving, DA.forgiving),
        ] {
            let en: Vec<_> = en.iter().map(|e| e.query).collect();
            let da: Vec<_> = da.iter().map(|e| e.query).collect();
            assert_eq!(en, da);
        }
        assert_eq!(EN.parts.len(), DA.parts.len());
        assert_eq!(
            views(EN.examples)[1].href,
            "/?q=%22change+advisory+board%22"
        );
    }
}
