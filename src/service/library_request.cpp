#include "service/library_request.hpp"

#include <algorithm>
#include <string>

#include "service/subjects.hpp"

namespace luaos::service {
namespace {

// A Lua identifier that is also a subject token: HostLibrary's rule, bounded.
bool is_library_name(const std::string& name) {
    return is_subject_token(name) && name.find('-') == std::string::npos && !(name[0] >= '0' && name[0] <= '9');
}

std::string checked_name(const std::string& name, const std::string& path) {
    if (!is_library_name(name)) {
        throw bad_request(path + " must be 1 to 64 letters, digits and '_', not starting with a digit");
    }
    return name;
}

template <typename Named, typename Name>
bool given_before(const std::vector<Named>& seen, const std::string& name, Name name_of) {
    return std::any_of(seen.begin(), seen.end(), [&](const Named& item) { return name_of(item) == name; });
}

}  // namespace

std::vector<RemoteLibrarySpec> read_libraries(const RequestFields& body, const ServiceLimits& limits) {
    std::vector<RemoteLibrarySpec> libraries;
    const std::vector<const Json*> entries = body.optional_objects("libraries", limits.libraries_per_vm);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const RequestFields fields(*entries[i], body.path("libraries") + "[" + std::to_string(i) + "]",
                                   {"name", "functions"});
        RemoteLibrarySpec spec;
        spec.name = checked_name(fields.string("name", kMaxTokenLength), fields.path("name"));
        if (given_before(libraries, spec.name, [](const RemoteLibrarySpec& seen) { return seen.name; })) {
            throw bad_request("the library '" + spec.name + "' is given twice");
        }
        const std::vector<std::string> functions = fields.optional_strings(
            "functions", limits.functions_per_library, limits.functions_per_library * kMaxTokenLength);
        if (functions.empty()) throw bad_request(fields.path("functions") + " must name at least one function");
        for (std::size_t f = 0; f < functions.size(); ++f) {
            const std::string path = fields.path("functions") + "[" + std::to_string(f) + "]";
            std::string function = checked_name(functions[f], path);
            if (given_before(spec.functions, function, [](const std::string& seen) { return seen; })) {
                throw bad_request(spec.name + "." + function + " is given twice");
            }
            spec.functions.push_back(std::move(function));
        }
        libraries.push_back(std::move(spec));
    }
    return libraries;
}

}  // namespace luaos::service
