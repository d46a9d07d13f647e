-- Prints this VM's addresses (luaos run gives VM i the address 10.0.0.1 + i).
print(table.concat(net.addresses(), " "))
