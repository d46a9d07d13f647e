if T == nil then
  (Message or print)('\n >>> testC not active: skipping these tests <<<\n')
  return
end
