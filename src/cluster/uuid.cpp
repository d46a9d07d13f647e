#include "luaos/uuid.hpp"

#include <random>

namespace luaos {

Uuid Uuid::random_v4() {
    // Seeded once per thread from the OS: VM ids need to be unique, not secret.
    thread_local std::mt19937_64 generator{(static_cast<std::uint64_t>(std::random_device{}()) << 32) ^
                                           std::random_device{}()};
    Uuid uuid;
    for (std::size_t i = 0; i < uuid.bytes_.size(); i += 8) {
        std::uint64_t word = generator();
        for (std::size_t j = 0; j < 8; ++j) uuid.bytes_[i + j] = static_cast<std::uint8_t>(word >> (8 * j));
    }
    uuid.bytes_[6] = static_cast<std::uint8_t>((uuid.bytes_[6] & 0x0F) | 0x40);  // version 4
    uuid.bytes_[8] = static_cast<std::uint8_t>((uuid.bytes_[8] & 0x3F) | 0x80);  // RFC 4122 variant
    return uuid;
}

std::string Uuid::to_string() const {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string text;
    text.reserve(36);
    for (std::size_t i = 0; i < bytes_.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) text.push_back('-');
        text.push_back(kHex[bytes_[i] >> 4]);
        text.push_back(kHex[bytes_[i] & 0x0F]);
    }
    return text;
}

}  // namespace luaos
