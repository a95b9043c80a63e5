//! Go-to-definition and find-references across the files of a config.

use river_analyzer::db::{Config, Database, File};
use river_analyzer::lint::navigation::{definition, item_at, label_location, references};
use river_syntax::TextSize;

#[test]
fn definition_and_references_across_files() {
    let db = Database::default();
    let a = "discovery.kubernetes \"pods\" {\n\trole = \"pod\"\n}\n";
    let b = "prometheus.scrape \"pods\" {\n\ttargets    = discovery.kubernetes.pods.targets\n\tforward_to = []\n}\n\ndiscovery.relabel \"r\" {\n\ttargets = discovery.kubernetes.pods.targets\n}\n";
    let fa = File::new(&db, "a.river".into(), a.into());
    let fb = File::new(&db, "b.river".into(), b.into());
    let config = Config::new(&db, vec![fa, fb]);
    let use_at = b.find("kubernetes.pods.targets").unwrap();
    let found = definition(&db, config, fb, TextSize::from(use_at as u32)).expect("a definition");
    assert_eq!(found.file, fa);
    assert_eq!(&a[found.range], "\"pods\"");
    let target = item_at(&db, fa, TextSize::from(3)).unwrap();
    assert_eq!(label_location(&db, target), found);
    let refs = references(&db, config, target);
    assert_eq!(refs.len(), 2);
    for r in refs {
        assert_eq!(r.file, fb);
        assert_eq!(&b[r.range], "discovery.kubernetes.pods");
    }
    let nothing = definition(&db, config, fb, TextSize::from(b.find("forward_to").unwrap() as u32));
    assert_eq!(nothing, None);
}

#[test]
fn arguments_inside_a_declare() {
    let db = Database::default();
    let text = "declare \"pipeline\" {\n\targument \"targets\" { }\n\n\tprometheus.scrape \"inner\" {\n\t\ttargets    = argument.targets.value\n\t\tforward_to = []\n\t}\n}\n";
    let file = File::new(&db, "m.river".into(), text.into());
    let config = Config::new(&db, vec![file]);
    let at = text.find("argument.targets").unwrap() + 10;
    let found =
        definition(&db, config, file, TextSize::from(at as u32)).expect("the argument block");
    assert_eq!(&text[found.range], "\"targets\"");
}
