using Mlflow.Contract.Tests.Infrastructure;

namespace Mlflow.Contract.Tests.Wire;

/// <summary>The model registry on the wire: version numbering, stages, aliases, search with filter, order and pages, prompts.</summary>
public sealed class RegistryWireTests(TrackingServer server) : WireContract(server)
{
    private async Task<string> NewModel(string name, params (string Key, string Value)[] tags)
    {
        await Ok(Http.PostAsync("/api/2.0/mlflow/registered-models/create", new { name, tags = tags.Select(t => new { key = t.Key, value = t.Value }) }));
        return name;
    }

    private async Task<string> NewVersion(string model, string source = "mlflow-artifacts:/0/model", params (string Key, string Value)[] tags) =>
        (string)(await Ok(Http.PostAsync("/api/2.0/mlflow/model-versions/create", new { name = model, source, tags = tags.Select(t => new { key = t.Key, value = t.Value }) })))["model_version"]!["version"]!;

    [Fact]
    public async Task Version_numbers_are_never_reused_and_stages_archive_the_previous_holder()
    {
        var model = await NewModel(TrackingServer.Unique("wire-versions"));
        Assert.Equal(["1", "2", "3"], [await NewVersion(model), await NewVersion(model), await NewVersion(model)]);
        await Ok(Http.DeleteAsync("/api/2.0/mlflow/model-versions/delete", new { name = model, version = "3" }));
        await Fails(Http.GetAsync($"/api/2.0/mlflow/model-versions/get?name={Q(model)}&version=3"), 404, "RESOURCE_DOES_NOT_EXIST");
        Assert.Equal("4", await NewVersion(model));

        await Ok(Http.PostAsync("/api/2.0/mlflow/model-versions/transition-stage", new { name = model, version = "1", stage = "Production", archive_existing_versions = false }));
        var moved = await Ok(Http.PostAsync("/api/2.0/mlflow/model-versions/transition-stage", new { name = model, version = "2", stage = "production", archive_existing_versions = true }));
        Assert.Equal("Production", (string?)moved["model_version"]!["current_stage"]);
        Assert.Equal("Archived", (string?)(await Ok(Http.GetAsync($"/api/2.0/mlflow/model-versions/get?name={Q(model)}&version=1")))["model_version"]!["current_stage"]);
        var latest = Items(await Ok(Http.PostAsync("/api/2.0/mlflow/registered-models/get-latest-versions", new { name = model, stages = new[] { "Production" } })), "model_versions");
        Assert.Equal(["2"], latest.Select(v => (string)v["version"]!));
        await Fails(Http.PostAsync("/api/2.0/mlflow/model-versions/transition-stage", new { name = model, version = "2", stage = "Heaven", archive_existing_versions = false }), 400, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task Aliases_follow_mlflows_naming_rules_and_leave_with_their_version()
    {
        var model = await NewModel(TrackingServer.Unique("wire-aliases"));
        await NewVersion(model);
        await NewVersion(model);
        Assert.Equal("Version alias name 'v1' is reserved.",
            await Fails(Http.PostAsync("/api/2.0/mlflow/registered-models/alias", new { name = model, alias = "v1", version = "1" }), 400, "INVALID_PARAMETER_VALUE"));
        Assert.Contains("reserved", await Fails(Http.PostAsync("/api/2.0/mlflow/registered-models/alias", new { name = model, alias = "Latest", version = "1" }), 400, "INVALID_PARAMETER_VALUE"));
        Assert.Contains("Invalid alias name", await Fails(Http.PostAsync("/api/2.0/mlflow/registered-models/alias", new { name = model, alias = "has space", version = "1" }), 400, "INVALID_PARAMETER_VALUE"));

        await Ok(Http.PostAsync("/api/2.0/mlflow/registered-models/alias", new { name = model, alias = "champion", version = "1" }));
        await Ok(Http.PostAsync("/api/2.0/mlflow/registered-models/alias", new { name = model, alias = "champion", version = "2" }));
        var byAlias = await Ok(Http.GetAsync($"/api/2.0/mlflow/registered-models/alias?name={Q(model)}&alias=champion"));
        Assert.Equal("2", (string?)byAlias["model_version"]!["version"]);
        Assert.Contains("champion", Items(byAlias["model_version"], "aliases").Select(a => (string)a!));

        await Ok(Http.DeleteAsync("/api/2.0/mlflow/model-versions/delete", new { name = model, version = "2" }));
        Assert.Empty(Items((await Ok(Http.GetAsync($"/api/2.0/mlflow/registered-models/get?name={Q(model)}")))["registered_model"], "aliases"));
        await Fails(Http.GetAsync($"/api/2.0/mlflow/registered-models/alias?name={Q(model)}&alias=champion"), 400, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task Registered_models_and_versions_search_with_filter_order_and_pages()
    {
        var prefix = TrackingServer.Unique("wire-search");
        foreach (var suffix in new[] { "b", "a", "c" }) await NewModel($"{prefix}-{suffix}", ("flavor", suffix == "c" ? "onnx" : "sklearn"));
        var filter = Q($"name LIKE '{prefix}-%'");

        var names = new List<string>();
        string? token = null;
        do
        {
            var page = await Ok(Http.GetAsync($"/api/2.0/mlflow/registered-models/search?filter={filter}&max_results=2&order_by={Q("name DESC")}" + (token is null ? "" : $"&page_token={Q(token)}")));
            names.AddRange(Items(page, "registered_models").Select(m => (string)m["name"]!));
            token = (string?)page["next_page_token"];
        }
        while (token is not null);
        Assert.Equal([$"{prefix}-c", $"{prefix}-b", $"{prefix}-a"], names);

        var byTag = await Ok(Http.GetAsync($"/api/2.0/mlflow/registered-models/search?filter={Q($"name LIKE '{prefix}-%' AND tags.flavor = 'sklearn'")}&order_by={Q("name ASC")}"));
        Assert.Equal([$"{prefix}-a", $"{prefix}-b"], Items(byTag, "registered_models").Select(m => (string)m["name"]!));
        await Fails(Http.GetAsync($"/api/2.0/mlflow/registered-models/search?filter={Q("name === 'x'")}"), 400, "INVALID_PARAMETER_VALUE");

        var model = $"{prefix}-a";
        for (var i = 0; i < 3; i++) await NewVersion(model, $"mlflow-artifacts:/0/source-{i}");
        var versions = await Ok(Http.GetAsync($"/api/2.0/mlflow/model-versions/search?filter={Q($"name = '{model}'")}&order_by={Q("version_number DESC")}&max_results=2"));
        Assert.Equal(["3", "2"], Items(versions, "model_versions").Select(v => (string)v["version"]!));
        var rest = await Ok(Http.GetAsync($"/api/2.0/mlflow/model-versions/search?filter={Q($"name = '{model}'")}&order_by={Q("version_number DESC")}&max_results=2&page_token={Q((string)versions["next_page_token"]!)}"));
        Assert.Equal(["1"], Items(rest, "model_versions").Select(v => (string)v["version"]!));
        var bySource = await Ok(Http.GetAsync($"/api/2.0/mlflow/model-versions/search?filter={Q($"name = '{model}' AND source_path = 'mlflow-artifacts:/0/source-1'")}"));
        Assert.Equal(["2"], Items(bySource, "model_versions").Select(v => (string)v["version"]!));
    }

    [Fact]
    public async Task Prompts_are_registered_models_with_reserved_tags_and_are_searched_by_them()
    {
        var prefix = TrackingServer.Unique("wire-prompt");
        var prompt = await NewModel($"{prefix}-greeting", ("mlflow.prompt.is_prompt", "true"));
        var model = await NewModel($"{prefix}-model");
        var v1 = await NewVersion(prompt, "prompt-template", ("mlflow.prompt.is_prompt", "true"), ("mlflow.prompt.text", "Hello {{name}}!"), ("_mlflow_prompt_type", "text"));
        Assert.Equal("1", v1);
        var version = (await Ok(Http.GetAsync($"/api/2.0/mlflow/model-versions/get?name={Q(prompt)}&version=1")))["model_version"];
        Assert.Equal("Hello {{name}}!", Tag(version, "mlflow.prompt.text"));
        await Ok(Http.PostAsync("/api/2.0/mlflow/registered-models/alias", new { name = prompt, alias = "production", version = "1" }));
        Assert.Equal("1", (string?)(await Ok(Http.GetAsync($"/api/2.0/mlflow/registered-models/alias?name={Q(prompt)}&alias=production")))["model_version"]!["version"]);

        var prompts = await Ok(Http.GetAsync($"/api/2.0/mlflow/registered-models/search?filter={Q($"name LIKE '{prefix}-%' AND tags.`mlflow.prompt.is_prompt` = 'true'")}"));
        Assert.Equal([prompt], Items(prompts, "registered_models").Select(m => (string)m["name"]!));
        var models = await Ok(Http.GetAsync($"/api/2.0/mlflow/registered-models/search?filter={Q($"name LIKE '{prefix}-%' AND tags.`mlflow.prompt.is_prompt` != 'true'")}"));
        Assert.Equal([model], Items(models, "registered_models").Select(m => (string)m["name"]!));

        Assert.Equal($"Prompt (name={prompt}) already exists.",
            await Fails(Http.PostAsync("/api/2.0/mlflow/registered-models/create", new { name = prompt }), 400, "RESOURCE_ALREADY_EXISTS"));
        var tooLong = await Fails(Http.PostAsync("/api/2.0/mlflow/model-versions/create", new
        {
            name = prompt,
            source = "prompt-template",
            tags = new[] { new { key = "mlflow.prompt.text", value = new string('x', 5001) } },
        }), 400, "INVALID_PARAMETER_VALUE");
        Assert.Equal("Prompt text exceeds max length of 5000 characters.", tooLong);
    }
}
