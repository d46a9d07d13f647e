#pragma once
// The Lua allocator: every block is charged to the VM that allocated it.
//
// VMs share one Lua state, so Lua itself cannot tell whose memory a block is.
// Each block carries a small header naming its MemoryAccount (one per VM);
// allocations are charged to the account of the VM running at the time
// (Allocator::Charging), and a block's bytes go back to the account that paid
// for them when Lua frees it, whenever the collector gets to it. An account
// whose VM is gone lives on until the last of its blocks is freed.
//
// Every charge also passes through the runtime's share of the cluster-wide
// MemoryCap, taken in 1 MiB slices so that the shared atomic is touched
// rarely.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>

#include "luaos/memory.hpp"
#include "runtime/block_pool.hpp"

namespace luaos {

// A VM's account, or a process's sub-account within its VM's: a charge to a
// sub-account counts against its parent's limit too.
//
// A million VMs hold two accounts each, so an account is 24 bytes: a VM's
// account has a limit and no parent, a process's sub-account a parent and no
// limit of its own, and one word holds either beside two flags (a parent is
// 8-byte aligned; a limit needs no more than 62 bits).
class MemoryAccount {
public:
    // The largest limit: 2^62 - 1 bytes, no limit at all in practice.
    static constexpr std::size_t kNoLimit = std::numeric_limits<std::size_t>::max() >> 2;

    // A top account; a limit over kNoLimit is taken as kNoLimit.
    explicit MemoryAccount(std::size_t limit) : word_(std::min(limit, kNoLimit) << kFlagBits) {}
    // A sub-account of `parent`.
    explicit MemoryAccount(MemoryAccount* parent) : word_(reinterpret_cast<std::uintptr_t>(parent) | kSub) {}

    std::size_t used = 0;
    std::size_t peak = 0;

    MemoryAccount* parent() const {
        return (word_ & kSub) != 0 ? reinterpret_cast<MemoryAccount*>(word_ & ~kFlags) : nullptr;
    }
    std::size_t limit() const { return (word_ & kSub) != 0 ? kNoLimit : word_ >> kFlagBits; }
    // Its owner is gone; it is freed with its last block.
    bool closed() const { return (word_ & kClosed) != 0; }
    void close() { word_ |= kClosed; }

private:
    static constexpr std::uintptr_t kClosed = 1;
    static constexpr std::uintptr_t kSub = 2;
    static constexpr std::uintptr_t kFlags = kClosed | kSub;
    static constexpr int kFlagBits = 2;

    std::uintptr_t word_;
};

enum class MemoryRefusal : std::uint8_t { AccountLimit, ClusterCap };

class Allocator {
public:
    // Called at every refusal; `again` when the allocation before was refused
    // too. Lua answers a first refusal with an emergency collection and asks
    // again; only when that fails too does it raise its memory error. (The
    // auxiliary library's buffers, as string.rep and table.concat use, ask
    // once and raise at once.)
    using RefusalHandler = std::function<void(MemoryAccount&, MemoryRefusal, bool again)>;

    Allocator(std::shared_ptr<MemoryCap> cap, RefusalHandler on_refusal);
    ~Allocator();
    Allocator(const Allocator&) = delete;
    Allocator& operator=(const Allocator&) = delete;

    // The lua_Alloc function; its user data is the Allocator.
    static void* lua_alloc(void* ud, void* ptr, std::size_t osize, std::size_t nsize);

    // A new account, limited to `limit` bytes.
    MemoryAccount* open_account(std::size_t limit);
    // A new sub-account of `parent` (a parent outlives its sub-accounts: it
    // is closed after them and holds their bytes).
    MemoryAccount* open_sub_account(MemoryAccount* parent);
    // The owner is gone: the account is freed now if empty, else with its last block.
    void close_account(MemoryAccount* account);

    // Charges allocations to `account` for as long as it lives.
    class Charging {
    public:
        Charging(Allocator& allocator, MemoryAccount* account);
        ~Charging();
        Charging(const Charging&) = delete;
        Charging& operator=(const Charging&) = delete;

    private:
        Allocator& allocator_;
        MemoryAccount* previous_;
    };
    void charge_to(MemoryAccount* account) {
        charging_ = account ? account : &host_;
        refused_last_ = false;  // a refusal in one slice says nothing of the next
    }
    MemoryAccount* charging() const { return charging_; }

    std::size_t used() const { return used_; }

    // The engine's own small objects (a VM, a process) live in the same pool
    // as the Lua blocks of their runtime, close to them and away from other
    // shards'. Not charged to any account: they are not Lua memory.
    void* allocate_object(std::size_t size);
    void free_object(void* object, std::size_t size) { raw_free(object, size); }

private:
    void* allocate(void* ptr, std::size_t osize, std::size_t nsize);
    // Blocks with their header: small ones from the pool, the rest from malloc.
    void* raw_allocate(std::size_t size);
    void raw_free(void* raw, std::size_t size);
    void* raw_reallocate(void* raw, std::size_t old_size, std::size_t new_size);
    void delete_account(MemoryAccount* account);
    bool admit(MemoryAccount& account, std::size_t bytes);
    bool refuse(MemoryAccount& account, MemoryRefusal why);
    void release(MemoryAccount& account, std::size_t bytes);

    BlockPool* pool_for(std::size_t size);

    // Destroyed after the Lua state: Runtime closes the state first.
    BlockPool small_blocks_{512};
    BlockPool large_blocks_{1024};
    std::shared_ptr<MemoryCap> cap_;
    RefusalHandler on_refusal_;
    MemoryAccount host_{MemoryAccount::kNoLimit};  // the runtime's own allocations: no limit but the cap
    MemoryAccount* charging_ = &host_;
    std::size_t used_ = 0;      // bytes charged on this runtime
    std::size_t reserved_ = 0;  // bytes taken from the cap for them
    bool refused_last_ = false;
};

}  // namespace luaos
