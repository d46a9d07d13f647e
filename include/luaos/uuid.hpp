#pragma once
// Random (version 4) UUIDs, the identity of a VM.

#include <array>
#include <cstdint>
#include <string>

namespace luaos {

class Uuid {
public:
    static Uuid random_v4();
    std::string to_string() const;  // 8-4-4-4-12 lower-case hex
    const std::array<std::uint8_t, 16>& bytes() const { return bytes_; }
    friend bool operator==(const Uuid&, const Uuid&) = default;

private:
    std::array<std::uint8_t, 16> bytes_{};
};

}  // namespace luaos
