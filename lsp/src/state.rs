//! What the server knows: one salsa database, the configs loaded so far
//! (one per directory, as `flow run DIR` loads it), and the open
//! documents, whose text wins over the file on disk.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use river_analyzer::db::{Config, Database, File};
use river_analyzer::lint::settings::Settings;
use river_syntax::ColumnUnit;
use salsa::Setter;
use tower_lsp_server::ls_types::Uri;

/// Everything a request reads, taken under the lock and used without it.
/// Its database is a handle on the shared storage: an edit cancels work
/// that still runs on an older snapshot.
pub struct Snapshot {
    pub db: Database,
    pub config: Config,
    pub file: File,
    pub uri: Uri,
    pub unit: ColumnUnit,
    pub settings: std::sync::Arc<Settings>,
    /// The document's URI for every file of the config, by path.
    pub uris: HashMap<String, Uri>,
    /// For a test file (`*.test.river`), the config of its directory, which
    /// its tests name components of.
    pub tested: Option<Config>,
    /// For a test file, the failures of its last run.
    pub failures: Vec<crate::features::tests::Failure>,
}

#[derive(Default)]
pub struct State {
    pub db: Database,
    pub unit: Option<ColumnUnit>,
    configs: HashMap<PathBuf, Config>,
    files: HashMap<PathBuf, File>,
    /// Open documents: path and version.
    open: HashMap<String, (PathBuf, i32)>,
    settings: HashMap<PathBuf, std::sync::Arc<Settings>>,
    /// The failures of each test file's last run.
    failures: HashMap<PathBuf, Vec<crate::features::tests::Failure>>,
    /// Files of a config that could not be read as they are, not yet told
    /// to the user (the server shows them as messages).
    problems: Vec<String>,
}

/// The path a URI stands for; documents that are not files (`untitled:`)
/// get a path of their own that no directory shares.
pub fn path_of(uri: &Uri) -> PathBuf {
    uri.to_file_path()
        .map(|p| p.into_owned())
        .unwrap_or_else(|| PathBuf::from(format!("/nonexistent/{}", uri.as_str())))
}

impl State {
    pub fn unit(&self) -> ColumnUnit {
        self.unit.unwrap_or(ColumnUnit::Utf16)
    }

    /// Opens (or re-opens) a document with its text.
    pub fn open(&mut self, uri: &Uri, text: String, version: i32) {
        let path = path_of(uri);
        self.open.insert(uri.as_str().to_owned(), (path.clone(), version));
        self.ensure_config(&path);
        self.set_text(&path, text);
    }

    pub fn close(&mut self, uri: &Uri) {
        if let Some((path, _)) = self.open.remove(uri.as_str()) {
            // Back to what the disk says, if the file is there.
            if path.is_file() {
                let text = self.read(&path);
                self.set_text(&path, text);
            }
        }
    }

    pub fn version(&self, uri: &Uri) -> Option<i32> {
        self.open.get(uri.as_str()).map(|(_, v)| *v)
    }

    pub fn set_version(&mut self, uri: &Uri, version: i32) {
        if let Some(entry) = self.open.get_mut(uri.as_str()) {
            entry.1 = version;
        }
    }

    pub fn text(&self, uri: &Uri) -> Option<String> {
        let file = self.files.get(&path_of(uri))?;
        Some(file.text(&self.db).clone())
    }

    pub fn set_text(&mut self, path: &Path, text: String) {
        match self.files.get(path) {
            Some(file) if file.text(&self.db) != &text => {
                file.set_text(&mut self.db).to(text);
            }
            Some(_) => {}
            None => {
                let file = File::new(&self.db, path.display().to_string(), text);
                self.files.insert(path.to_owned(), file);
            }
        }
    }

    /// The config of a document's directory, loading the directory's other
    /// `*.river` files from disk the first time.
    fn ensure_config(&mut self, path: &Path) -> Config {
        let dir = path.parent().unwrap_or(Path::new("/")).to_path_buf();
        if river_analyzer::load::is_test_file(path) {
            return self.test_config(path, dir);
        }
        let config = self.dir_config(&dir);
        let mut files = config.files(&self.db).clone();
        if !files.iter().any(|f| Path::new(f.path(&self.db)) == path) {
            let file = self.file(path);
            files.push(file);
            config.set_files(&mut self.db).to(files);
        }
        config
    }

    /// The config of a directory: its `*.river` files, read from disk the
    /// first time, with the directory's lint settings.
    fn dir_config(&mut self, dir: &Path) -> Config {
        if let Some(config) = self.configs.get(dir).copied() {
            return config;
        }
        let paths = river_analyzer::load::river_files(dir).unwrap_or_else(|e| {
            self.problems.push(e.to_string());
            Vec::new()
        });
        let files: Vec<File> = paths.iter().map(|p| self.file(p)).collect();
        let config = Config::new(&self.db, files);
        self.configs.insert(dir.to_owned(), config);
        let settings = river_analyzer::lint::settings::load_from(None, dir).unwrap_or_default();
        self.settings.insert(dir.to_owned(), std::sync::Arc::new(settings));
        config
    }

    /// A test file (`*.test.river`) is no part of its directory's config:
    /// it is one of its own, whose syntax alone the editor checks
    /// (`flow test` checks the rest).
    fn test_config(&mut self, path: &Path, dir: PathBuf) -> Config {
        if let Some(config) = self.configs.get(path).copied() {
            return config;
        }
        let file = self.file(path);
        let config = Config::new(&self.db, vec![file]);
        self.configs.insert(path.to_owned(), config);
        self.dir_config(&dir);
        config
    }

    /// The file input of a path, read from disk when it is new.
    fn file(&mut self, path: &Path) -> File {
        if let Some(file) = self.files.get(path) {
            return *file;
        }
        let text = self.read(path);
        let file = File::new(&self.db, path.display().to_string(), text);
        self.files.insert(path.to_owned(), file);
        file
    }

    /// A config file's text through the one loader. One that is not UTF-8
    /// is taken with its bad bytes replaced, so that the rest of it still
    /// resolves, and is reported; one that cannot be read is reported and
    /// taken as empty.
    fn read(&mut self, path: &Path) -> String {
        match river_analyzer::load::read(path) {
            Ok(source) => source.text,
            Err(e) => {
                self.problems.push(e.to_string());
                std::fs::read(path)
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default()
            }
        }
    }

    /// The failures of a test file's last run (of one test, `name`: the
    /// others keep theirs).
    pub fn set_failures(
        &mut self,
        path: PathBuf,
        name: Option<&str>,
        failures: Vec<crate::features::tests::Failure>,
    ) {
        let kept = self.failures.entry(path).or_default();
        match name {
            Some(name) => kept.retain(|f| f.name != name),
            None => kept.clear(),
        }
        kept.extend(failures);
    }

    /// After `saved` is written: each file that imports it as a module
    /// (`import.file`) gets a new input, since the analyzer reads modules
    /// from disk, outside its inputs, and would keep what it read before.
    /// Returns a document of each config that changed, to publish again.
    pub fn saved(&mut self, saved: &Path) -> Vec<Uri> {
        let mut changed = Vec::new();
        for config in self.configs.values().copied().collect::<Vec<_>>() {
            let mut files = config.files(&self.db).clone();
            let mut renewed = false;
            for file in files.iter_mut() {
                let modules = river_analyzer::lint::declared::module_files(&self.db, *file);
                if !modules.iter().any(|m| m == saved) {
                    continue;
                }
                let (path, text) = (file.path(&self.db).clone(), file.text(&self.db).clone());
                *file = File::new(&self.db, path.clone(), text);
                self.files.insert(PathBuf::from(&path), *file);
                changed.extend(Uri::from_file_path(&path));
                renewed = true;
            }
            if renewed {
                config.set_files(&mut self.db).to(files);
            }
        }
        changed
    }

    /// What could not be read since the last call, for showing.
    pub fn take_problems(&mut self) -> Vec<String> {
        std::mem::take(&mut self.problems)
    }

    /// Everything a request about `uri` needs.
    pub fn snapshot(&mut self, uri: &Uri) -> Option<Snapshot> {
        let path = path_of(uri);
        let file = *self.files.get(&path)?;
        let config = self.ensure_config(&path);
        let dir = path.parent().unwrap_or(Path::new("/")).to_path_buf();
        let tested = river_analyzer::load::is_test_file(&path).then(|| self.dir_config(&dir));
        let uris = config
            .files(&self.db)
            .iter()
            .filter_map(|f| {
                let p = f.path(&self.db).clone();
                let uri = Uri::from_file_path(&p)?;
                Some((p, uri))
            })
            .chain(std::iter::once((file.path(&self.db).clone(), uri.clone())))
            .collect();
        Some(Snapshot {
            db: self.db.clone(),
            config,
            file,
            uri: uri.clone(),
            unit: self.unit(),
            settings: self.settings.get(&dir).cloned().unwrap_or_default(),
            uris,
            tested,
            failures: self.failures.get(&path).cloned().unwrap_or_default(),
        })
    }

    /// The open documents that share a config with `uri`, itself included.
    pub fn open_in_same_config(&self, uri: &Uri) -> Vec<Uri> {
        let dir = path_of(uri).parent().map(Path::to_path_buf);
        self.open
            .iter()
            .filter(|(_, (path, _))| path.parent().map(Path::to_path_buf) == dir)
            .filter_map(|(u, _)| u.parse().ok())
            .collect()
    }

    /// Every config loaded, with the URI of each of its files.
    pub fn all_files(&self) -> Vec<(Config, File, Uri)> {
        let mut out = Vec::new();
        for config in self.configs.values() {
            for file in config.files(&self.db) {
                if let Some(uri) = Uri::from_file_path(file.path(&self.db)) {
                    out.push((*config, *file, uri));
                }
            }
        }
        out
    }
}
