//! Go-to-definition and find-references across the files of a config, and
//! from instances of custom components to their declarations, in the
//! config or in an imported module's file.

use river_analyzer::db::{Config, Database, File};
use river_analyzer::lint::declared::Place;
use river_analyzer::lint::navigation::{
    custom_at, definition, goto, item_at, label_location, references, CustomAt,
};
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

const ADD: &str = "declare \"add\" {\n\targument \"a\" {\n\t\tcomment = \"The first number.\"\n\t}\n\n\targument \"b\" {\n\t\toptional = true\n\t\tdefault  = 1\n\t}\n\n\texport \"sum\" {\n\t\tvalue = argument.a.value + argument.b.value\n\t}\n}\n";

/// The place `goto` leads to from the first `needle` in `text` (plus
/// `shift` bytes into it).
fn goto_from(
    db: &Database,
    config: Config,
    file: File,
    text: &str,
    needle: &str,
    shift: usize,
) -> Option<Place> {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle} in {text}")) + shift;
    goto(db, config, file, TextSize::from(at as u32))
}

/// The text a place in the config covers.
fn covered(db: &Database, place: Option<Place>) -> String {
    match place {
        Some(Place::Config(loc)) => loc.file.text(db)[loc.range].to_owned(),
        other => panic!("not a place in the config: {other:?}"),
    }
}

#[test]
fn an_instance_leads_to_its_declare_arguments_and_exports() {
    let db = Database::default();
    let main = "add \"x\" {\n\ta = 1\n}\n\nadd \"y\" {\n\ta = add.x.sum\n}\n";
    let fa = File::new(&db, "add.river".into(), ADD.into());
    let fm = File::new(&db, "main.river".into(), main.into());
    let config = Config::new(&db, vec![fa, fm]);
    let declare_label = covered(&db, goto_from(&db, config, fm, main, "add \"x\"", 1));
    assert_eq!(declare_label, "\"add\"");
    let argument = goto_from(&db, config, fm, main, "a = 1", 0);
    assert!(matches!(&argument, Some(Place::Config(l)) if l.file == fa), "{argument:?}");
    assert_eq!(covered(&db, argument), "\"a\"");
    let export = goto_from(&db, config, fm, main, "sum", 1);
    assert_eq!(covered(&db, export), "\"sum\"");
    // Elsewhere in the reference: the instance, as before.
    assert_eq!(covered(&db, goto_from(&db, config, fm, main, "add.x.sum", 4)), "\"x\"");
    // A built-in component's name leads nowhere.
    let text = "logging {\n\tlevel = \"info\"\n}\n";
    let fl = File::new(&db, "l.river".into(), text.into());
    let alone = Config::new(&db, vec![fl]);
    assert_eq!(goto_from(&db, alone, fl, text, "logging", 2), None);
    assert_eq!(goto_from(&db, alone, fl, text, "level", 2), None);
}

#[test]
fn instances_inside_a_declare_see_its_own_declares() {
    let db = Database::default();
    let text = "declare \"outer\" {\n\tdeclare \"inner\" {\n\t\targument \"n\" { }\n\t}\n\n\tinner \"i\" {\n\t\tn = 1\n\t}\n}\n";
    let file = File::new(&db, "m.river".into(), text.into());
    let config = Config::new(&db, vec![file]);
    assert_eq!(covered(&db, goto_from(&db, config, file, text, "inner \"i\"", 2)), "\"inner\"");
    assert_eq!(covered(&db, goto_from(&db, config, file, text, "n = 1", 0)), "\"n\"");
}

/// `import.file` of a file, and of a directory: the places are in the
/// module's file, which is no part of the config.
#[test]
fn an_imported_instance_leads_into_the_module_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("lib")).unwrap();
    let lib = dir.path().join("lib").join("math.river");
    std::fs::write(&lib, ADD).unwrap();
    for (filename, label) in [("lib/math.river", "math"), ("lib", "all")] {
        let db = Database::default();
        let main = format!("import.file \"{label}\" {{\n\tfilename = \"{filename}\"\n}}\n\n{label}.add \"x\" {{\n\ta = 1\n}}\n\nlogging {{\n\tlevel = {label}.add.x.sum\n}}\n");
        let path = dir.path().join("main.river").display().to_string();
        let file = File::new(&db, path, main.clone());
        let config = Config::new(&db, vec![file]);
        let in_module = |place: Option<Place>| match place {
            Some(Place::Module { path, text, range }) => {
                assert_eq!(std::path::Path::new(&path), lib, "{filename}");
                text[range].to_owned()
            }
            other => panic!("{filename}: not in the module: {other:?}"),
        };
        let name = format!("{label}.add");
        assert_eq!(in_module(goto_from(&db, config, file, &main, &name, 1)), "\"add\"");
        assert_eq!(in_module(goto_from(&db, config, file, &main, "a = 1", 0)), "\"a\"");
        assert_eq!(in_module(goto_from(&db, config, file, &main, "sum", 0)), "\"sum\"");
        let found = custom_at(&db, config, file, TextSize::from(main.find(&name).unwrap() as u32));
        let Some(CustomAt::Instance(declaration)) = found else { panic!("{found:?}") };
        assert_eq!(declaration.name, name);
        let arguments = declaration.arguments();
        assert_eq!(arguments[0].comment.as_deref(), Some("The first number."));
        assert!(!arguments[0].optional && arguments[1].optional);
        assert_eq!(arguments[1].default.as_deref(), Some("1"));
    }
}
