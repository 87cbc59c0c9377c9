-- A real editor's language client against `policyc lsp`: Neovim's own LSP client (its framing,
-- JSON and UTF-16 handling, not ours) opens a policy with an error, waits for the diagnostics,
-- then asks for hover, definition, references, completion, a quick fix, formatting and a rename,
-- and checks each answer. Run by scripts/integration-neovim.sh; any failure exits non-zero.
local workspace = assert(os.getenv("POLICY_WORKSPACE"), "POLICY_WORKSPACE is not set")
local policyc = assert(os.getenv("POLICYC"), "POLICYC is not set")
local checks = 0

local function check(condition, message)
  if not condition then error(message, 2) end
  checks = checks + 1
end

local function run()
  local client_id = vim.lsp.start_client({ name = "policyc", cmd = { policyc, "lsp" }, root_dir = workspace })
  check(client_id ~= nil, "policyc lsp did not start")
  vim.cmd("edit " .. workspace .. "/enterprise.pol")
  local buffer = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buffer, client_id)
  local client = vim.lsp.get_client_by_id(client_id)
  check(vim.wait(10000, function() return client.server_capabilities ~= nil end, 20), "initialize was not answered")
  check(client.server_capabilities.renameProvider ~= nil, "no rename capability")

  -- The diagnostics of the typo the script put in: where it is, its code and message.
  check(vim.wait(10000, function() return #vim.diagnostic.get(buffer) > 0 end, 20), "no diagnostics were published")
  local diagnostics = vim.diagnostic.get(buffer)
  check(#diagnostics == 1, "expected one diagnostic, got " .. vim.inspect(diagnostics))
  local typo = diagnostics[1]
  check(typo.message == "unknown model `claude-3-sonet`", "message: " .. typo.message)
  check(typo.severity == vim.diagnostic.severity.ERROR, "severity: " .. tostring(typo.severity))
  local line = vim.api.nvim_buf_get_lines(buffer, typo.lnum, typo.lnum + 1, false)[1]
  check(line:sub(typo.col + 1, typo.end_col) == '"claude-3-sonet"', "range: " .. line:sub(typo.col + 1, typo.end_col))

  local function at(pattern, offset)
    for number, text in ipairs(vim.api.nvim_buf_get_lines(buffer, 0, -1, false)) do
      local column = text:find(pattern, 1, true)
      if column then return { line = number - 1, character = column - 1 + (offset or 0) } end
    end
    error("not found: " .. pattern)
  end
  local function request(method, params)
    params.textDocument = { uri = vim.uri_from_bufnr(buffer) }
    local replies = vim.lsp.buf_request_sync(buffer, method, params, 5000)
    check(replies and replies[client_id], method .. " was not answered")
    check(replies[client_id].err == nil, method .. ": " .. vim.inspect(replies[client_id].err))
    return replies[client_id].result
  end

  -- The quick fix writes the suggested model.
  local actions = request("textDocument/codeAction", {
    range = { start = { line = typo.lnum, character = typo.col }, ["end"] = { line = typo.lnum, character = typo.end_col } },
    context = { diagnostics = {} },
  })
  check(#actions == 1 and actions[1].title == "Change to `claude-3-sonnet`", "quick fix: " .. vim.inspect(actions))
  vim.lsp.util.apply_workspace_edit(actions[1].edit, "utf-16")
  check(vim.api.nvim_buf_get_lines(buffer, typo.lnum, typo.lnum + 1, false)[1]:find('"claude-3-sonnet"', 1, true), "the fix was not applied")
  check(vim.wait(10000, function() return #vim.diagnostic.get(buffer) == 0 end, 20), "the fixed file still has diagnostics")

  -- Hover: the role with what it inherits flattened; the model with its prices.
  local hover = request("textDocument/hover", { position = at("role contractor", 6) })
  check(hover.contents.kind == "markdown" and hover.contents.value:find("**role** `contractor`", 1, true), "hover: " .. vim.inspect(hover))
  check(hover.contents.value:find("- models: `claude-3-haiku`", 1, true), "hover models: " .. hover.contents.value)
  local model = request("textDocument/hover", { position = at('"claude-3-haiku"', 2) })
  check(model.contents.value:find("- input: $0.00025 per 1k tokens", 1, true), "model hover: " .. model.contents.value)

  -- Definition across an import: a control declared in soc2-audit.pol.
  local definition = request("textDocument/definition", { position = at('"SOC2 CC7.1"', 3) })
  check(#definition == 1, "definition: " .. vim.inspect(definition))
  check(vim.uri_to_fname(definition[1].uri) == workspace .. "/soc2-audit.pol", "definition target: " .. definition[1].uri)
  check(definition[1].range.start.line == 11 and definition[1].range.start.character == 9, "definition range: " .. vim.inspect(definition[1].range))

  -- References of a role, declaration included.
  local references = request("textDocument/references", { position = at("role contractor", 6), context = { includeDeclaration = true } })
  check(#references >= 2, "references: " .. vim.inspect(references))

  -- Completion of a role's property at the start of a line.
  local completion = request("textDocument/completion", { position = at("  max_context", 2) })
  local labels = {}
  for _, item in ipairs(completion.items or completion) do labels[item.label] = true end
  check(labels["max_context"] and labels["models"] and labels["requires_approval"], "completion: " .. vim.inspect(labels))

  -- Formatting: the file is canonical, so there is nothing to change.
  local edits = request("textDocument/formatting", { options = { tabSize = 2, insertSpaces = true } })
  check(edits ~= nil and #edits == 0, "formatting: " .. vim.inspect(edits))

  -- Rename a role everywhere it is written, then check the policy still has no diagnostics.
  local rename = request("textDocument/rename", { position = at("role contractor", 6), newName = "vendor" })
  vim.lsp.util.apply_workspace_edit(rename, "utf-16")
  check(at("role vendor", 0) ~= nil, "the rename was not applied")
  vim.cmd("silent wall")
  check(vim.wait(10000, function()
    return #vim.diagnostic.get(buffer) == 0 and not table.concat(vim.api.nvim_buf_get_lines(buffer, 0, -1, false), "\n"):find("role contractor", 1, true)
  end, 20), "diagnostics after the rename: " .. vim.inspect(vim.diagnostic.get(buffer)))

  vim.lsp.stop_client(client_id)
  check(vim.wait(5000, function() return vim.lsp.client_is_stopped(client_id) end, 20), "the server did not stop")
end

local ok, failure = pcall(run)
if ok then
  io.stdout:write(("neovim %s: %d checks passed against policyc lsp\n"):format(tostring(vim.version().major .. "." .. vim.version().minor .. "." .. vim.version().patch), checks))
  vim.cmd("qall!")
else
  io.stderr:write("neovim session failed after " .. checks .. " checks: " .. tostring(failure) .. "\n")
  vim.cmd("cquit 1")
end
