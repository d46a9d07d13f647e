// What files cost (docs/storage.md), as ratios measured in one run:
//   1. writing and reading small files through scripts, on the SQLite store,
//      against the same rows written and read directly with SQLite from C++;
//   2. the per-tick commit with many VMs each writing a little: a tick on
//      the SQLite store against the same tick on the in-memory store;
//   3. the resident cost of an idle VM holding a few files, in memory or
//      stored in SQLite, against an idle VM without (idle as the density
//      goal counts it: 1,000,000 idle VMs under 1.5 GB).
// Each measurement runs in its own child process (support/isolated.hpp).
//
// usage: luaos_bench_store [--figure files|commit|idle] [files] [commit_vms] [idle_vms]
//   (defaults: every figure; 1,000,000 files, 100,000 VMs, 100,000 VMs)

#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "support/isolated.hpp"
#include "support/measure.hpp"

using namespace luaos;
using namespace luaos::bench;

namespace {

constexpr int kFilesPerVm = 10;
constexpr int kFileBytes = 100;

// The bench's scratch folder, named for the parent process (the
// measurements run in children), removed at the end.
const std::filesystem::path kScratchDir =
    std::filesystem::temp_directory_path() / ("luaos_store_bench_" + std::to_string(::getpid()));

std::string scratch(const std::string& name) {
    std::filesystem::create_directories(kScratchDir);
    const std::string path = (kScratchDir / name).string();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    return path;
}

// A script that writes its VM's kFilesPerVm files, or reads them back.
std::string files_script(bool write) {
    return std::string("local body = string.rep('x', ") + std::to_string(kFileBytes) +
           ")\n"
           "for i = 1, " +
           std::to_string(kFilesPerVm) + " do\n" +
           (write ? "  local f = fs.open('/f' .. i, 'w') f:write(body) f:close()\n"
                  : "  local f = fs.open('/f' .. i) local data = f:read('a') f:close()\n"
                    "  assert(#data == #body)\n") +
           "end\n";
}

struct FileTimes {
    double write_ms = 0;
    double read_ms = 0;
};

// `files` files through scripts: files / kFilesPerVm stored VMs, each with a
// process that writes them (all in the first tick, committed after it), then
// the same VMs reopened by a second cluster reading them back. On the SQLite
// store, or on the in-memory store: what the scripts' side costs alone.
FileTimes through_scripts(std::uint64_t files, bool sqlite) {
    const std::string path = scratch("scripts.db");
    const std::shared_ptr<FileStore> memory = sqlite ? nullptr : make_memory_store();
    const std::uint64_t vms = files / kFilesPerVm;
    std::vector<StoredVmId> ids;
    FileTimes times;
    auto run = [&](bool write) {
        ClusterOptions options;
        options.store = sqlite ? open_sqlite_store(path) : memory;
        options.kernel.keep_output = false;
        Cluster cluster(options);
        const std::string code = files_script(write);
        for (std::uint64_t i = 0; i < vms; ++i) {
            VirtualMachine& vm = write ? cluster.create_stored_vm({}) : cluster.open_stored_vm(ids[i]);
            if (write) ids.push_back(vm.os().stored_id());
            vm.os().spawn_process(code, "files.lua");
        }
        options.store->commit();
        const double ms = timed_ms([&] { cluster.run({.max_ticks = 1000}); });
        (write ? times.write_ms : times.read_ms) = ms;
    };
    run(true);
    run(false);
    return times;
}

// The same rows with the store's schema, durability and kind of
// statements: written with one prepared INSERT OR REPLACE in one
// transaction (as the store commits a tick), then, on a connection opened
// again (as the second cluster opens the store again), read back one by one
// with one prepared SELECT: all in one transaction (as the store reads in
// the tick's transaction), and each in a transaction of its own (as the
// store read before it did so).
sqlite3* open_direct(const std::string& path) {
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", nullptr, nullptr, nullptr) !=
            SQLITE_OK) {
        std::abort();
    }
    return db;
}

sqlite3_stmt* prepared(sqlite3* db, const char* sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) != SQLITE_OK) std::abort();
    return statement;
}

struct DirectTimes {
    double write_ms = 0;
    double read_ms = 0;         // every read in one transaction, as the store reads in a tick's
    double read_alone_ms = 0;   // each read a transaction of its own
};

DirectTimes direct_sqlite(std::uint64_t files) {
    const std::string path = scratch("direct.db");
    sqlite3* db = open_direct(path);
    sqlite3_exec(db,
                 "CREATE TABLE files(vm INTEGER NOT NULL, path TEXT NOT NULL, kind INTEGER NOT NULL,"
                 " modified INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (vm, path)) WITHOUT ROWID",
                 nullptr, nullptr, nullptr);
    sqlite3_stmt* insert = prepared(db, "INSERT OR REPLACE INTO files VALUES (?1, ?2, 0, 1, ?3)");
    const std::string body(kFileBytes, 'x');
    DirectTimes times;
    times.write_ms = timed_ms([&] {
        sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
        for (std::uint64_t i = 0; i < files; ++i) {
            const std::string name = "/f" + std::to_string(i % kFilesPerVm + 1);
            sqlite3_bind_int64(insert, 1, static_cast<sqlite3_int64>(i / kFilesPerVm + 1));
            sqlite3_bind_text(insert, 2, name.data(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
            sqlite3_bind_blob(insert, 3, body.data(), static_cast<int>(body.size()), SQLITE_TRANSIENT);
            if (sqlite3_step(insert) != SQLITE_DONE) std::abort();
            sqlite3_reset(insert);
        }
        if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) std::abort();
    });
    sqlite3_finalize(insert);
    sqlite3_close(db);

    db = open_direct(path);
    sqlite3_stmt* select = prepared(db, "SELECT data FROM files WHERE vm = ?1 AND path = ?2 AND kind = 0");
    auto read_all = [&] {
        for (std::uint64_t i = 0; i < files; ++i) {
            const std::string name = "/f" + std::to_string(i % kFilesPerVm + 1);
            sqlite3_bind_int64(select, 1, static_cast<sqlite3_int64>(i / kFilesPerVm + 1));
            sqlite3_bind_text(select, 2, name.data(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
            if (sqlite3_step(select) != SQLITE_ROW || sqlite3_column_bytes(select, 0) != kFileBytes) std::abort();
            sqlite3_reset(select);
        }
    };
    times.read_alone_ms = timed_ms(read_all);
    times.read_ms = timed_ms([&] {
        sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
        read_all();
        sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    });
    sqlite3_finalize(select);
    sqlite3_close(db);
    return times;
}

constexpr int kCommitTicks = 10;

// Milliseconds per tick of `vms` VMs whose process writes one small file
// every tick, for kCommitTicks ticks: on the SQLite store (its commit
// included) or, without one, each VM's own in-memory store.
double writing_tick_ms(std::uint64_t vms, bool sqlite) {
    ClusterOptions options;
    if (sqlite) options.store = open_sqlite_store(scratch("commit.db"));
    options.kernel.keep_output = false;
    Cluster cluster(options);
    const char* code = "for i = 1, 1000000 do local f = fs.open('/tick', 'w') f:write(i) f:close() os.yield() end";
    for (std::uint64_t i = 0; i < vms; ++i) {
        VirtualMachine& vm = sqlite ? cluster.create_stored_vm({}) : cluster.create_vm();
        vm.os().spawn_process(code, "tick.lua");
    }
    cluster.tick();  // the first writes create each VM's file
    double best = 1e300;
    for (int tick = 0; tick < kCommitTicks; ++tick) best = std::min(best, timed_ms([&] { cluster.tick(); }));
    return best;
}

// Resident bytes per idle VM, as bench/density_bench.cpp counts them for
// the density goal: a cluster on one worker, each VM with one process of
// the same script that yields at once, ticked once so that every process
// has run; the growth of the process's resident memory over all of them.
// Here each VM first gets `files` small files written by the host: in its
// own in-memory store (`store` null) or as a stored VM of `store`.
constexpr const char* kIdle = "while true do coroutine.yield() end";

double idle_vm_bytes(std::uint64_t vms, int files, const std::string& store) {
    const double before = resident_bytes();
    ClusterOptions options;
    options.threads = 1;
    if (!store.empty()) options.store = open_sqlite_store(scratch(store));
    Cluster cluster(options);
    const std::string body(kFileBytes, 'x');
    for (std::uint64_t i = 0; i < vms; ++i) {
        VirtualMachine& vm = options.store ? cluster.create_stored_vm({}) : cluster.create_vm();
        for (int f = 0; f < files; ++f) vm.os().write_file("/f" + std::to_string(f), body);
        vm.os().spawn_process(kIdle, "idle.lua");
    }
    cluster.tick();
    return (resident_bytes() - before) / double(vms);
}

std::uint64_t arg_or(int argc, char** argv, int index, std::uint64_t fallback) {
    return argc > index ? std::strtoull(argv[index], nullptr, 10) : fallback;
}

void files_figure(std::uint64_t files) {
    const FileTimes scripts = isolated<FileTimes>([&] { return through_scripts(files, true); });
    const DirectTimes direct = isolated<DirectTimes>([&] { return direct_sqlite(files); });
    const FileTimes memory = isolated<FileTimes>([&] { return through_scripts(files, false); });
    std::printf("%llu files of %d bytes, %d per VM, %llu VMs:\n", static_cast<unsigned long long>(files), kFileBytes,
                kFilesPerVm, static_cast<unsigned long long>(files / kFilesPerVm));
    std::printf("  write: scripts %.0f ms, direct SQLite %.0f ms: %.2fx (scripts on the in-memory store %.0f ms)\n",
                scripts.write_ms, direct.write_ms, scripts.write_ms / direct.write_ms, memory.write_ms);
    std::printf("  read:  scripts %.0f ms, direct SQLite %.0f ms: %.2fx (scripts on the in-memory store %.0f ms;"
                " direct SQLite, each read a transaction of its own, %.0f ms: %.2fx)\n",
                scripts.read_ms, direct.read_ms, scripts.read_ms / direct.read_ms, memory.read_ms,
                direct.read_alone_ms, scripts.read_ms / direct.read_alone_ms);
}

void commit_figure(std::uint64_t vms) {
    const double memory_tick = isolated<double>([&] { return writing_tick_ms(vms, false); });
    const double sqlite_tick = isolated<double>([&] { return writing_tick_ms(vms, true); });
    std::printf("%llu VMs each writing a small file every tick (best of %d ticks):\n",
                static_cast<unsigned long long>(vms), kCommitTicks);
    std::printf("  tick: in-memory %.1f ms, SQLite with its commit %.1f ms: %.2fx\n", memory_tick, sqlite_tick,
                sqlite_tick / memory_tick);
}

void idle_figure(std::uint64_t vms) {
    const double bare = isolated<double>([&] { return idle_vm_bytes(vms, 0, ""); });
    const double memory_files = isolated<double>([&] { return idle_vm_bytes(vms, 3, ""); });
    const double stored = isolated<double>([&] { return idle_vm_bytes(vms, 0, "idle_empty.db"); });
    const double stored_files = isolated<double>([&] { return idle_vm_bytes(vms, 3, "idle_files.db"); });
    std::printf("%llu idle VMs (as bench/density_bench.cpp counts them), resident bytes each:\n",
                static_cast<unsigned long long>(vms));
    std::printf("  no store, no files %.0f; 3 files of %d bytes in memory %.0f (+%.0f)\n", bare, kFileBytes,
                memory_files, memory_files - bare);
    std::printf("  stored in SQLite: no files %.0f (+%.0f); 3 files %.0f (+%.0f, of which the files +%.0f)\n", stored,
                stored - bare, stored_files, stored_files - bare, stored_files - stored);
    std::printf("  1,000,000 stored VMs with 3 files: %.2f GB (goal: under 1.5 GB)\n", stored_files * 1e6 / 1e9);
}

}  // namespace

int main(int argc, char** argv) {
    std::string figure = "all";
    if (argc > 2 && std::string(argv[1]) == "--figure") {
        figure = argv[2];
        argv += 2;
        argc -= 2;
    }
    if (figure != "all" && figure != "files" && figure != "commit" && figure != "idle") {
        std::fprintf(stderr, "usage: luaos_bench_store [--figure files|commit|idle] [files] [commit_vms] [idle_vms]\n");
        return 2;
    }
    const std::uint64_t files = arg_or(argc, argv, 1, 1'000'000);
    const std::uint64_t commit_vms = arg_or(argc, argv, 2, 100'000);
    const std::uint64_t idle_vms = arg_or(argc, argv, 3, 100'000);
    if (figure == "all" || figure == "files") files_figure(files);
    if (figure == "all" || figure == "commit") commit_figure(commit_vms);
    if (figure == "all" || figure == "idle") idle_figure(idle_vms);
    std::filesystem::remove_all(kScratchDir);
    return 0;
}
