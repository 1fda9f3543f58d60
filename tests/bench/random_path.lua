-- wrk script: each request takes a random line of PATHS_FILE as its path.
local paths = {}
local file = os.getenv("PATHS_FILE")
for line in io.lines(file) do
    paths[#paths + 1] = line
end
math.randomseed(os.time())

request = function()
    return wrk.format("GET", paths[math.random(#paths)])
end
