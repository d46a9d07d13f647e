#include <lua.hpp>
#include <new>
#include <stdexcept>

#include "kernel/host_functions/host_call.hpp"
#include "kernel/host_functions/host_library_install.hpp"
#include "kernel/kernel_access.hpp"
#include "kernel/os_bookkeeping.hpp"
#include "kernel/shared_kernel.hpp"
#include "luaos/os.hpp"
#include "luaos/runtime.hpp"
#include "runtime/readonly.hpp"
#include "runtime/sandbox.hpp"

namespace luaos {
namespace {

// What HostCall::arg gives past the last argument (a namespace constant: no
// guard to test on every call, as a function's static would have).
const HostValue kNoArgument;

bool is_identifier(const std::string& name) {
    if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok) return false;
    }
    return true;
}

struct InstallRequest {
    const HostLibrary* library = nullptr;
    int own_table_ref = LUA_NOREF;  // one VM's table of views; LUA_NOREF: the runtime's libraries
    bool taken = false;
};

// Pushes a read-only view of a new table of the library's functions.
void push_library_view(lua_State* L, const HostLibrary& library) {
    lua_createtable(L, 0, static_cast<int>(library.functions().size()));
    for (const auto& function : library.functions()) {
        host_call_push_function(L, *function);
        lua_setfield(L, -2, function->name.c_str());
    }
    readonly_push_view(L, -1);
    lua_remove(L, -2);
}

bool name_taken(lua_State* L, int table, const std::string& name) {
    lua_getfield(L, table, name.c_str());
    const bool taken = !lua_isnil(L, -1);
    lua_pop(L, 1);
    return taken;
}

// Runs under lua_pcall.
int install_protected(lua_State* L) {
    auto* request = static_cast<InstallRequest*>(lua_touserdata(L, 1));
    const std::string& name = request->library->name();
    sandbox_push_library(L, Dialect::Lua);   // 2
    sandbox_push_library(L, Dialect::Luau);  // 3
    if (request->own_table_ref != LUA_NOREF) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, request->own_table_ref);  // 4
        if (name_taken(L, 2, name) || name_taken(L, 3, name) || name_taken(L, 4, name)) {
            request->taken = true;
            return 0;
        }
        push_library_view(L, *request->library);
        lua_setfield(L, 4, name.c_str());
        return 0;
    }
    if (name_taken(L, 2, name) || name_taken(L, 3, name)) {
        request->taken = true;
        return 0;
    }
    push_library_view(L, *request->library);
    lua_pushvalue(L, -1);
    lua_setfield(L, 2, name.c_str());
    lua_setfield(L, 3, name.c_str());
    return 0;
}

void install(lua_State* L, InstallRequest& request) {
    lua_pushcfunction(L, install_protected);
    lua_pushlightuserdata(L, &request);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
        lua_pop(L, 1);
        throw std::bad_alloc();
    }
    if (request.taken) {
        throw std::invalid_argument("luaos: scripts already have a '" + request.library->name() +
                                    "' (a library or a global): host libraries need names of their own");
    }
}

int new_table_ref_protected(lua_State* L) {
    lua_newtable(L);
    *static_cast<int*>(lua_touserdata(L, 1)) = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

}  // namespace

HostLibrary::HostLibrary(std::string name) : name_(std::move(name)) {
    if (!is_identifier(name_)) {
        throw std::invalid_argument("luaos: a host library's name must be letters, digits and '_', not starting "
                                    "with a digit: '" + name_ + "'");
    }
}

HostLibrary::Function& HostLibrary::add_function(std::string name) {
    if (!is_identifier(name)) {
        throw std::invalid_argument("luaos: a host function's name must be letters, digits and '_', not starting "
                                    "with a digit: '" + name + "'");
    }
    for (const auto& function : functions_) {
        if (function->name == name) throw std::invalid_argument("luaos: " + name_ + "." + name + " is added twice");
    }
    auto function = std::make_unique<Function>();
    function->qualified_name = name_ + "." + name;
    function->name = std::move(name);
    functions_.push_back(std::move(function));
    return *functions_.back();
}

HostLibrary& HostLibrary::add(std::string name, ImmediateHostFunction function) {
    if (!function) throw std::invalid_argument("luaos: " + name_ + "." + name + " has no function");
    add_function(std::move(name)).immediate = std::move(function);
    return *this;
}

HostLibrary& HostLibrary::add_async(std::string name, AsyncHostFunction function) {
    if (!function) throw std::invalid_argument("luaos: " + name_ + "." + name + " has no function");
    add_function(std::move(name)).async = std::move(function);
    return *this;
}

VmHandle HostCall::vm() const { return SharedKernel::of(caller_.os().runtime()).vm_handle_of(caller_.os()); }

const HostValue& HostCall::no_argument() { return kNoArgument; }

void host_library_install(Runtime& runtime, const HostLibrary& library) {
    InstallRequest request{&library};
    install(runtime.lua(), request);
}

void Os::add_host_library(HostLibrary library) {
    OsRecords& records = bookkeeping().ensure_records();
    lua_State* L = runtime_.lua();
    if (records.libraries_ref == LUA_NOREF) {
        lua_pushcfunction(L, new_table_ref_protected);
        lua_pushlightuserdata(L, &records.libraries_ref);
        if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
            lua_pop(L, 1);
            throw std::bad_alloc();
        }
    }
    auto shared = std::make_shared<const HostLibrary>(std::move(library));
    InstallRequest request{shared.get(), records.libraries_ref};
    install(L, request);
    records.libraries.push_back(std::move(shared));
}

}  // namespace luaos
