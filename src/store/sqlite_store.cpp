// The SQLite store: one database file for every VM of a host.
//
// Schema. Two tables:
//   vms(id INTEGER PRIMARY KEY, boot BLOB)               a VM and its boot list
//   files(vm, path, kind, modified, data,
//         PRIMARY KEY (vm, path)) WITHOUT ROWID           every node of every VM
// The files table is clustered on (vm, path): a VM's nodes sit together in
// the B-tree, in path order, so reading a VM that has a few small files
// touches one or two leaf pages, a directory's descendants are one range
// ("/a/" up to "/a0"), and deleting a VM is one range delete. With a rowid
// table the key would be stored twice (the row and an index on (vm, path))
// and every lookup would be two B-tree searches. The design point is
// 1,000,000 VMs with a few files of a few hundred bytes: rows well under a
// tenth of a page, where SQLite recommends WITHOUT ROWID; a large file (up
// to FileLimits::file_bytes) spills into overflow pages, which costs only
// that file. A VM's usage (bytes, nodes) is counted once, when first asked,
// and kept in memory.
//
// Durability. The database is in WAL mode. Statements run in one open
// transaction, begun by the first statement after a commit (BEGIN
// IMMEDIATE: this connection is the store's only writer); the cluster calls
// commit() after each tick, which ends it. So a tick's writes are durable
// together or not at all: a host killed at any moment loses at most the
// writes since the last commit, and SQLite's journal keeps the file whole.
// Reads run in the same transaction: a statement outside one would begin
// and end a read transaction of its own, taking and dropping WAL locks
// (system calls) every time, which costs more than the read itself.
// synchronous=NORMAL: in WAL mode a commit then survives the process's
// death; a power failure may lose the last commits, never the file's
// integrity (docs/storage.md).
//
// Failures. A write that SQLite refuses (SQLITE_FULL: disk or max_bytes;
// anything else: unwritable, corrupt) is reported to the caller, the
// script, as StoreWrite::Full or ::Failed, and changes nothing. If SQLite
// had to roll the whole open transaction back, the writes of the tick so far
// are lost too: commit() then throws StoreError, for the host. A read that
// fails (a corrupt page, an I/O error) looks like a missing file to the
// caller, so the scripts of that tick may have acted on a falsehood: the
// next commit() rolls the tick's writes back and throws, so that nothing
// already committed is overwritten on its strength. Opening a file that is
// not a luaos store, or that this process may not write, throws StoreError
// at once.
//
// One connection, one mutex: a cluster's workers call in from several
// threads, each call holds the mutex for one statement or two.

#include <sqlite3.h>

#include <mutex>
#include <unordered_map>

#include "luaos/file_store.hpp"
#include "store/boot_list.hpp"

namespace luaos {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS luaos_store(version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS vms(id INTEGER PRIMARY KEY, boot BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS files(
  vm INTEGER NOT NULL,
  path TEXT NOT NULL,
  kind INTEGER NOT NULL,
  modified INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (vm, path)) WITHOUT ROWID;
)sql";
constexpr int kSchemaVersion = 1;

// A tree in the statements below: the nodes of VM ?1 at `path` and under it,
// "vm = ?1 AND (path = ?2 OR (path >= ?3 AND path < ?4))" with ?2 = "/a",
// ?3 = "/a/" and ?4 = "/a0" ('0' follows '/'). The root is never a row.

enum Statement {
    kStat,
    kRead,
    kPut,
    kUsageUnder,
    kExtentUnder,
    kUsage,
    kEraseTree,
    kMoveTree,
    kList,
    kCreateVm,
    kVms,
    kBootList,
    kSetBootList,
    kDeleteVmFiles,
    kDeleteVm,
    kStatementCount,
};

const char* const kStatements[kStatementCount] = {
    "SELECT kind, length(data), modified FROM files WHERE vm = ?1 AND path = ?2",
    "SELECT data FROM files WHERE vm = ?1 AND path = ?2 AND kind = 0",
    "INSERT OR REPLACE INTO files(vm, path, kind, modified, data) VALUES (?1, ?2, ?3, ?4, ?5)",
    "SELECT count(*), coalesce(sum(length(data)), 0) FROM files WHERE vm = ?1 AND path >= ?3 AND path < ?4",
    // Paths are ASCII (store/path.hpp): characters are bytes. One literal in
    // parentheses: clang warns of literals concatenated in an array.
    ("SELECT coalesce(max(length(path)), 0), coalesce(max(length(path) - length(replace(path, '/', ''))), 0) "
     "FROM files WHERE vm = ?1 AND path >= ?3 AND path < ?4"),
    "SELECT count(*), coalesce(sum(length(data)), 0) FROM files WHERE vm = ?1",
    "DELETE FROM files WHERE vm = ?1 AND (path = ?2 OR (path >= ?3 AND path < ?4))",
    "UPDATE files SET path = ?5 || substr(path, ?6) WHERE vm = ?1 AND (path = ?2 OR (path >= ?3 AND path < ?4))",
    "SELECT path FROM files WHERE vm = ?1 AND path >= ?3 AND path < ?4",
    "INSERT INTO vms(boot) VALUES (?1)",
    "SELECT id FROM vms ORDER BY id",
    "SELECT boot FROM vms WHERE id = ?1",
    "UPDATE vms SET boot = ?2 WHERE id = ?1",
    "DELETE FROM files WHERE vm = ?1",
    "DELETE FROM vms WHERE id = ?1",
};

std::string descendants_begin(std::string_view dir) { return dir == "/" ? std::string("/") : std::string(dir) + "/"; }
std::string descendants_end(std::string_view dir) { return dir == "/" ? std::string("0") : std::string(dir) + "0"; }

// Resets a prepared statement when it goes out of scope. Its bindings stay:
// every use binds each parameter the statement has.
class Use {
public:
    explicit Use(sqlite3_stmt* statement) : statement_(statement) {}
    ~Use() { sqlite3_reset(statement_); }
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;
    sqlite3_stmt* operator*() const { return statement_; }

private:
    sqlite3_stmt* statement_;
};

void bind_text(sqlite3_stmt* statement, int index, std::string_view text) {
    sqlite3_bind_text(statement, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

void bind_blob(sqlite3_stmt* statement, int index, std::string_view data) {
    sqlite3_bind_blob(statement, index, data.empty() ? "" : data.data(), static_cast<int>(data.size()),
                      SQLITE_TRANSIENT);
}

// Binds ?1 .. ?4 of a statement over a tree (see kStatements).
void bind_tree(sqlite3_stmt* statement, StoredVmId vm, std::string_view path) {
    sqlite3_bind_int64(statement, 1, static_cast<sqlite3_int64>(vm));
    bind_text(statement, 2, path);
    bind_text(statement, 3, descendants_begin(path));
    bind_text(statement, 4, descendants_end(path));
}

std::string_view column_bytes(sqlite3_stmt* statement, int column) {
    const void* data = sqlite3_column_blob(statement, column);
    const int size = sqlite3_column_bytes(statement, column);
    return data != nullptr ? std::string_view(static_cast<const char*>(data), static_cast<std::size_t>(size))
                           : std::string_view();
}

class SqliteStore final : public FileStore {
public:
    SqliteStore(const std::string& path, const SqliteStoreOptions& options) : path_(path) {
        const int opened = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                           nullptr);
        if (opened != SQLITE_OK) fail_open("cannot open it");
        // SQLite opens a file it may not write read-only, without a word.
        if (sqlite3_db_readonly(db_, "main") == 1) fail_open(kCannotWrite);
        sqlite3_extended_result_codes(db_, 1);
        sqlite3_busy_timeout(db_, 1000);
        exec_or_fail("PRAGMA journal_mode = WAL");
        exec_or_fail("PRAGMA synchronous = NORMAL");
        if (options.max_bytes > 0) {
            const std::uint64_t pages = std::max<std::uint64_t>(1, options.max_bytes / page_size());
            exec_or_fail(("PRAGMA max_page_count = " + std::to_string(pages)).c_str());
        }
        exec_or_fail(kSchema);
        check_version();
        for (int i = 0; i < kStatementCount; ++i) {
            if (sqlite3_prepare_v3(db_, kStatements[i], -1, SQLITE_PREPARE_PERSISTENT, &statements_[i], nullptr) !=
                SQLITE_OK) {
                fail_open("cannot prepare its statements");
            }
        }
    }

    ~SqliteStore() override {
        try {
            commit();
        } catch (const StoreError&) {
            // The host was told at the last commit it made; nothing more to do here.
        }
        for (sqlite3_stmt* statement : statements_) sqlite3_finalize(statement);
        sqlite3_close(db_);
    }

    std::optional<NodeStat> stat(StoredVmId vm, std::string_view path) override {
        std::lock_guard lock(mutex_);
        return stat_node(vm, path);
    }

    bool read(StoredVmId vm, std::string_view path, std::string& data) override {
        std::lock_guard lock(mutex_);
        Use use(bind_node(kRead, vm, path));
        if (step_read(*use) != SQLITE_ROW) return false;
        data.assign(column_bytes(*use, 0));
        return true;
    }

    StoreWrite put(StoredVmId vm, std::string_view path, NodeKind kind, std::string_view data,
                   std::uint64_t modified) override {
        std::lock_guard lock(mutex_);
        // The old node matters only to a usage already counted.
        const std::optional<NodeStat> was = cached_usage(vm) != nullptr ? stat_node(vm, path) : std::nullopt;
        return put_node(vm, path, kind, data, modified, was);
    }

    StoreWrite put_replacing(StoredVmId vm, std::string_view path, NodeKind kind, std::string_view data,
                             std::uint64_t modified, const std::optional<NodeStat>& was) override {
        std::lock_guard lock(mutex_);
        return put_node(vm, path, kind, data, modified, was);
    }

    StoreWrite erase_tree(StoredVmId vm, std::string_view path) override {
        std::lock_guard lock(mutex_);
        const StoreUsage removed = usage_of_tree(vm, path);
        if (const StoreWrite began = begin(); began != StoreWrite::Ok) return began;
        Use use(statements_[kEraseTree]);
        bind_tree(*use, vm, path);
        if (const StoreWrite result = step_write(*use); result != StoreWrite::Ok) return result;
        if (StoreUsage* usage = cached_usage(vm)) {
            usage->bytes -= removed.bytes;
            usage->nodes -= removed.nodes;
        }
        return StoreWrite::Ok;
    }

    StoreWrite move_tree(StoredVmId vm, std::string_view from, std::string_view to) override {
        std::lock_guard lock(mutex_);
        if (const StoreWrite began = begin(); began != StoreWrite::Ok) return began;
        Use use(statements_[kMoveTree]);
        bind_tree(*use, vm, from);
        bind_text(*use, 5, to);
        sqlite3_bind_int64(*use, 6, static_cast<sqlite3_int64>(from.size() + 1));
        return step_write(*use);
    }

    void list(StoredVmId vm, std::string_view dir, std::vector<std::string>& names) override {
        std::lock_guard lock(mutex_);
        names.clear();
        Use use(statements_[kList]);
        bind_tree(*use, vm, dir);
        const std::size_t prefix = descendants_begin(dir).size();
        while (step_read(*use) == SQLITE_ROW) {
            const std::string_view rest = column_bytes(*use, 0).substr(prefix);
            if (rest.find('/') == std::string_view::npos) names.emplace_back(rest);
        }
    }

    StoreUsage usage_under(StoredVmId vm, std::string_view dir) override {
        std::lock_guard lock(mutex_);
        Use use(statements_[kUsageUnder]);
        bind_tree(*use, vm, dir);
        return step_usage(*use);
    }

    TreeExtent extent_under(StoredVmId vm, std::string_view dir) override {
        std::lock_guard lock(mutex_);
        Use use(statements_[kExtentUnder]);
        bind_tree(*use, vm, dir);
        TreeExtent extent;
        if (step_read(*use) == SQLITE_ROW) {
            extent.longest_path = static_cast<std::uint64_t>(sqlite3_column_int64(*use, 0));
            extent.deepest_path = static_cast<std::uint64_t>(sqlite3_column_int64(*use, 1));
        }
        return extent;
    }

    StoreUsage usage(StoredVmId vm) override {
        std::lock_guard lock(mutex_);
        return *ensure_usage(vm);
    }

    void commit() override {
        std::lock_guard lock(mutex_);
        if (!read_failure_.empty()) drop_the_tick_after_a_failed_read();
        if (rolled_back_) {
            rolled_back_ = false;
            throw StoreError("store " + path_ + ": a write failed and SQLite rolled back the writes since the last commit: " +
                             rollback_reason_);
        }
        if (!in_transaction_) return;
        in_transaction_ = false;
        if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
            const std::string why = sqlite3_errmsg(db_);
            if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
            usage_.clear();
            throw StoreError("store " + path_ + ": cannot commit, the writes since the last commit are lost: " + why);
        }
    }

    StoredVmId create_vm(const std::vector<BootEntry>& boot) override {
        std::lock_guard lock(mutex_);
        if (begin() != StoreWrite::Ok) throw_error("cannot create a VM");
        Use use(statements_[kCreateVm]);
        bind_blob(*use, 1, boot_list_encode(boot));
        if (step_write(*use) != StoreWrite::Ok) throw_error("cannot create a VM");
        const auto id = static_cast<StoredVmId>(sqlite3_last_insert_rowid(db_));
        usage_[id] = StoreUsage{};
        return id;
    }

    std::vector<StoredVmId> vms() override {
        std::lock_guard lock(mutex_);
        std::vector<StoredVmId> ids;
        Use use(statements_[kVms]);
        while (step_read(*use) == SQLITE_ROW) ids.push_back(static_cast<StoredVmId>(sqlite3_column_int64(*use, 0)));
        return ids;
    }

    std::optional<std::vector<BootEntry>> boot_list(StoredVmId vm) override {
        std::lock_guard lock(mutex_);
        Use use(statements_[kBootList]);
        sqlite3_bind_int64(*use, 1, static_cast<sqlite3_int64>(vm));
        if (step_read(*use) != SQLITE_ROW) return std::nullopt;
        std::optional<std::vector<BootEntry>> boot = boot_list_decode(column_bytes(*use, 0));
        if (!boot) throw StoreError("store " + path_ + ": the boot list of VM " + std::to_string(vm) + " is corrupt");
        return boot;
    }

    StoreWrite set_boot_list(StoredVmId vm, const std::vector<BootEntry>& boot) override {
        std::lock_guard lock(mutex_);
        if (const StoreWrite began = begin(); began != StoreWrite::Ok) return began;
        Use use(statements_[kSetBootList]);
        sqlite3_bind_int64(*use, 1, static_cast<sqlite3_int64>(vm));
        bind_blob(*use, 2, boot_list_encode(boot));
        return step_write(*use);
    }

    bool delete_vm(StoredVmId vm) override {
        std::lock_guard lock(mutex_);
        if (begin() != StoreWrite::Ok) throw_error("cannot delete a VM");
        {
            Use files(statements_[kDeleteVmFiles]);
            sqlite3_bind_int64(*files, 1, static_cast<sqlite3_int64>(vm));
            if (step_write(*files) != StoreWrite::Ok) throw_error("cannot delete a VM");
        }
        Use use(statements_[kDeleteVm]);
        sqlite3_bind_int64(*use, 1, static_cast<sqlite3_int64>(vm));
        if (step_write(*use) != StoreWrite::Ok) throw_error("cannot delete a VM");
        usage_.erase(vm);
        return sqlite3_changes(db_) > 0;
    }

private:
    [[noreturn]] void fail_open(const char* what) {
        const std::string why = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
        for (sqlite3_stmt* statement : statements_) sqlite3_finalize(statement);
        sqlite3_close(db_);
        db_ = nullptr;
        throw StoreError("store " + path_ + ": " + what + ": " + why);
    }

    [[noreturn]] void throw_error(const char* what) {
        throw StoreError("store " + path_ + ": " + what + ": " + sqlite3_errmsg(db_));
    }

    static constexpr const char* kCannotWrite = "cannot write it (see the permissions of the file and its folder)";

    void exec_or_fail(const char* sql) {
        const int code = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) & 0xff;
        if (code == SQLITE_OK) return;
        const bool unwritable = code == SQLITE_READONLY || code == SQLITE_CANTOPEN || code == SQLITE_PERM;
        fail_open(unwritable ? kCannotWrite : "not a usable luaos store");
    }

    // sqlite3_step for a statement that reads, in the tick's transaction
    // (or on its own if another connection keeps it from beginning one): a
    // failure is remembered for the next commit
    // (drop_the_tick_after_a_failed_read).
    int step_read(sqlite3_stmt* statement) {
        begin();
        const int stepped = sqlite3_step(statement);
        if (stepped != SQLITE_ROW && stepped != SQLITE_DONE && read_failure_.empty()) {
            read_failure_ = sqlite3_errmsg(db_);
        }
        return stepped;
    }

    [[noreturn]] void drop_the_tick_after_a_failed_read() {
        const std::string why = std::move(read_failure_);
        read_failure_.clear();
        if (in_transaction_) {
            in_transaction_ = false;
            sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        }
        usage_.clear();
        throw StoreError("store " + path_ + ": cannot read it, so the writes since the last commit are dropped: " + why);
    }

    std::uint64_t page_size() {
        sqlite3_stmt* statement = nullptr;
        std::uint64_t size = 4096;
        if (sqlite3_prepare_v2(db_, "PRAGMA page_size", -1, &statement, nullptr) == SQLITE_OK &&
            sqlite3_step(statement) == SQLITE_ROW) {
            size = static_cast<std::uint64_t>(sqlite3_column_int64(statement, 0));
        }
        sqlite3_finalize(statement);
        return size;
    }

    // A new store gets the version; an existing one must have this one.
    void check_version() {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db_, "SELECT version FROM luaos_store", -1, &statement, nullptr) != SQLITE_OK) {
            fail_open("not a usable luaos store");
        }
        const int step = sqlite3_step(statement);
        const int version = step == SQLITE_ROW ? sqlite3_column_int(statement, 0) : 0;
        sqlite3_finalize(statement);
        if (step == SQLITE_DONE) {
            exec_or_fail(("INSERT INTO luaos_store(version) VALUES (" + std::to_string(kSchemaVersion) + ")").c_str());
        } else if (step != SQLITE_ROW) {
            fail_open("not a usable luaos store");
        } else if (version != kSchemaVersion) {
            fail_open(("a store of another version (" + std::to_string(version) + ")").c_str());
        }
    }

    // One statement: the store's usage of `vm`, if counted, follows from `was`.
    StoreWrite put_node(StoredVmId vm, std::string_view path, NodeKind kind, std::string_view data,
                        std::uint64_t modified, const std::optional<NodeStat>& was) {
        if (const StoreWrite began = begin(); began != StoreWrite::Ok) return began;
        Use use(bind_node(kPut, vm, path));
        sqlite3_bind_int(*use, 3, kind == NodeKind::File ? 0 : 1);
        sqlite3_bind_int64(*use, 4, static_cast<sqlite3_int64>(modified));
        bind_blob(*use, 5, data);
        if (const StoreWrite result = step_write(*use); result != StoreWrite::Ok) return result;
        if (StoreUsage* usage = cached_usage(vm)) {
            usage->bytes = usage->bytes - (was ? was->size : 0) + data.size();
            if (!was) ++usage->nodes;
        }
        return StoreWrite::Ok;
    }

    std::optional<NodeStat> stat_node(StoredVmId vm, std::string_view path) {
        Use use(bind_node(kStat, vm, path));
        if (step_read(*use) != SQLITE_ROW) return std::nullopt;
        return NodeStat{sqlite3_column_int(*use, 0) == 0 ? NodeKind::File : NodeKind::Directory,
                        static_cast<std::uint64_t>(sqlite3_column_int64(*use, 1)),
                        static_cast<std::uint64_t>(sqlite3_column_int64(*use, 2))};
    }

    sqlite3_stmt* bind_node(Statement which, StoredVmId vm, std::string_view path) {
        sqlite3_stmt* statement = statements_[which];
        sqlite3_bind_int64(statement, 1, static_cast<sqlite3_int64>(vm));
        bind_text(statement, 2, path);
        return statement;
    }

    static StoreWrite write_error(int code) {
        return (code & 0xff) == SQLITE_FULL ? StoreWrite::Full : StoreWrite::Failed;
    }

    StoreWrite begin() {
        if (in_transaction_) return StoreWrite::Ok;
        const int began = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
        if (began != SQLITE_OK) return write_error(began);
        in_transaction_ = true;
        return StoreWrite::Ok;
    }

    // Runs a write; on failure, notices whether SQLite rolled the whole transaction back.
    StoreWrite step_write(sqlite3_stmt* statement) {
        const int stepped = sqlite3_step(statement);
        if (stepped == SQLITE_DONE) return StoreWrite::Ok;
        if (sqlite3_get_autocommit(db_) != 0 && in_transaction_) {
            in_transaction_ = false;
            rolled_back_ = true;
            rollback_reason_ = sqlite3_errmsg(db_);
            usage_.clear();
        }
        return write_error(stepped);
    }

    StoreUsage step_usage(sqlite3_stmt* statement) {
        StoreUsage usage;
        if (step_read(statement) == SQLITE_ROW) {
            usage.nodes = static_cast<std::uint64_t>(sqlite3_column_int64(statement, 0));
            usage.bytes = static_cast<std::uint64_t>(sqlite3_column_int64(statement, 1));
        }
        return usage;
    }

    StoreUsage usage_of_tree(StoredVmId vm, std::string_view path) {
        StoreUsage usage;
        {
            Use under(statements_[kUsageUnder]);
            bind_tree(*under, vm, path);
            usage = step_usage(*under);
        }
        Use node(bind_node(kStat, vm, path));
        if (step_read(*node) == SQLITE_ROW) {
            ++usage.nodes;
            usage.bytes += static_cast<std::uint64_t>(sqlite3_column_int64(*node, 1));
        }
        return usage;
    }

    StoreUsage* cached_usage(StoredVmId vm) {
        const auto found = usage_.find(vm);
        return found != usage_.end() ? &found->second : nullptr;
    }

    StoreUsage* ensure_usage(StoredVmId vm) {
        if (StoreUsage* usage = cached_usage(vm)) return usage;
        Use use(statements_[kUsage]);
        sqlite3_bind_int64(*use, 1, static_cast<sqlite3_int64>(vm));
        return &(usage_[vm] = step_usage(*use));
    }

    std::string path_;
    sqlite3* db_ = nullptr;
    sqlite3_stmt* statements_[kStatementCount] = {};
    std::mutex mutex_;
    bool in_transaction_ = false;
    bool rolled_back_ = false;
    std::string rollback_reason_;
    std::string read_failure_;  // why a read failed since the last commit
    std::unordered_map<StoredVmId, StoreUsage> usage_;
};

}  // namespace

std::shared_ptr<FileStore> open_sqlite_store(const std::string& path, const SqliteStoreOptions& options) {
    return std::make_shared<SqliteStore>(path, options);
}

}  // namespace luaos
