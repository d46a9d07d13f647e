-- expect: failed
-- error: global 'require'
require("os")
