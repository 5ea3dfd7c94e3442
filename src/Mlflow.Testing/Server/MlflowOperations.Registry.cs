using System.Text.RegularExpressions;

namespace Mlflow.Testing.Server;

/// <summary>Model registry: registered models, versions, tags, stages, aliases, search; prompts are tagged models.</summary>
internal sealed partial class MlflowOperations
{
    private static readonly string[] Stages = ["None", "Staging", "Production", "Archived"];

    /// <summary>Registered models by name, each document holding its versions and aliases.</summary>
    private DocumentSet<RegisteredModelEntity> Models => state.Documents<RegisteredModelEntity>("registered_model", m => m.Name);

    public override Task<ActionResult<G.CreateRegisteredModelResponse>> CreateRegisteredModelAsync(G.CreateRegisteredModel body)
    {
        var name = MlflowError.Required(body.Name, "name");
        var tags = (body.Tags ?? []).Select(t => RegistryTag(t.Key, t.Value)).ToList();
        return Write(() =>
        {
            if (Models.Find(name) is { } existing)
            {
                throw MlflowError.AlreadyExists(existing.IsPrompt
                    ? $"Prompt (name={name}) already exists."
                    : $"Registered Model (name={name}) already exists.");
            }
            var now = Now();
            var model = new RegisteredModelEntity { Name = name, CreationTimestamp = now, LastUpdatedTimestamp = now, Description = body.Description };
            foreach (var (key, value) in tags) model.Tags.Set(key, value);
            Models.Add(model);
            var data = new JsonObject { ["name"] = name, ["tags"] = TagsObject(model.Tags, model.IsPrompt), ["description"] = body.Description };
            Fire(model.IsPrompt ? ("prompt", "created") : ("registered_model", "created"), data);
            return new G.CreateRegisteredModelResponse { Registered_model = ToDto(model) };
        });
    }

    public override Task<ActionResult<G.GetRegisteredModelResponse>> GetRegisteredModelAsync(string name) =>
        Read(() => new G.GetRegisteredModelResponse { Registered_model = ToDto(FindModel(name)) });

    public override Task<ActionResult<G.RenameRegisteredModelResponse>> RenameRegisteredModelAsync(G.RenameRegisteredModel body) => Write(() =>
    {
        var model = FindModel(body.Name);
        var newName = MlflowError.Required(body.New_name, "new_name");
        if (Models.Contains(newName)) throw MlflowError.AlreadyExists($"Registered Model (name={newName}) already exists.");
        var oldName = model.Name;
        model.Name = newName;
        foreach (var version in model.Versions) version.Name = newName;
        model.LastUpdatedTimestamp = Now();
        Models.Rekey(oldName, model);
        return new G.RenameRegisteredModelResponse { Registered_model = ToDto(model) };
    });

    public override Task<ActionResult<G.UpdateRegisteredModelResponse>> UpdateRegisteredModelAsync(G.UpdateRegisteredModel body) => Write(() =>
    {
        var model = FindModel(body.Name);
        if (body.Description is not null) model.Description = body.Description;
        model.LastUpdatedTimestamp = Now();
        Models.Touch(model);
        return new G.UpdateRegisteredModelResponse { Registered_model = ToDto(model) };
    });

    public override Task<ActionResult<G.DeleteRegisteredModelResponse>> DeleteRegisteredModelAsync(G.DeleteRegisteredModel body) => Write(() =>
    {
        Models.Remove(FindModel(body.Name).Name);
        return new G.DeleteRegisteredModelResponse();
    });

    public override Task<ActionResult<G.SetRegisteredModelTagResponse>> SetRegisteredModelTagAsync(G.SetRegisteredModelTag body)
    {
        var (key, value) = RegistryTag(body.Key, body.Value);
        return Write(() =>
        {
            var model = FindModel(body.Name);
            model.Tags.Set(key, value);
            Models.Touch(model);
            // Tag changes on plain models fire no event; on prompts they do.
            if (model.IsPrompt) Fire(("prompt_tag", "set"), new JsonObject { ["name"] = model.Name, ["key"] = key, ["value"] = value });
            return new G.SetRegisteredModelTagResponse();
        });
    }

    public override Task<ActionResult<G.DeleteRegisteredModelTagResponse>> DeleteRegisteredModelTagAsync(G.DeleteRegisteredModelTag body) => Write(() =>
    {
        var model = FindModel(body.Name);
        var key = MlflowError.Required(body.Key, "key");
        // MLflow answers 200 for a tag that does not exist.
        var prompt = model.IsPrompt;
        if (model.Tags.Remove(key)) Models.Touch(model);
        if (prompt) Fire(("prompt_tag", "deleted"), new JsonObject { ["name"] = model.Name, ["key"] = key });
        return new G.DeleteRegisteredModelTagResponse();
    });

    public override Task<ActionResult<G.SearchRegisteredModelsResponse>> SearchRegisteredModelsAsync(string? filter, long? max_results, IEnumerable<string>? order_by, string? page_token)
    {
        var max = max_results ?? 100;
        if (max <= 0 || max > 1000)
            throw MlflowError.InvalidParameter($"Invalid value \"{max}\" for parameter 'max_results' supplied:  Hint: Value was of type 'str'. See the API docs for more information about request parameters.");
        var clauses = SearchFilter.Parse(filter, SearchFilter.RegisteredModels);
        var terms = SearchFilter.ParseOrderBy(order_by, SearchFilter.RegisteredModels);
        return Read(() =>
        {
            var matching = Models.Values.Where(m => SearchFilter.Matches(clauses, (kind, key) => ModelValue(m, kind, key)));
            var ordered = SearchFilter.Order(matching, terms, ModelValue, items => items.OrderBy(m => m.Name, StringComparer.Ordinal));
            if (terms.Count > 0) ordered = ((IOrderedEnumerable<RegisteredModelEntity>)ordered).ThenBy(m => m.Name, StringComparer.Ordinal);
            var (page, next) = PageToken.Slice(ordered, page_token, (int)max);
            return new G.SearchRegisteredModelsResponse { Registered_models = page.Select(ToDto).ToList(), Next_page_token = next };
        });
    }

    private static object? ModelValue(RegisteredModelEntity m, KeyKind kind, string key) => kind switch
    {
        KeyKind.Tag => m.Tags.Get(key),
        KeyKind.Attribute => key switch
        {
            "name" => m.Name,
            "creation_timestamp" => (double)m.CreationTimestamp,
            "last_updated_timestamp" => (double)m.LastUpdatedTimestamp,
            _ => null,
        },
        _ => null,
    };

    public override Task<ActionResult<G.GetLatestVersionsResponse>> GetLatestVersionsAsync(G.GetLatestVersions body) => GetLatestVersions(body.Name, body.Stages);

    public override Task<ActionResult<G.GetLatestVersionsResponse>> GetLatestVersionsGetAsync(string name, IEnumerable<string>? stages) => GetLatestVersions(name, stages?.ToList());

    private Task<ActionResult<G.GetLatestVersionsResponse>> GetLatestVersions(string? name, List<string>? stages) => Read(() =>
    {
        var model = FindModel(name);
        var wanted = stages is { Count: > 0 } ? stages.Select(CanonicalStage).ToHashSet() : null;
        return new G.GetLatestVersionsResponse
        {
            Model_versions = LatestPerStage(model).Where(v => wanted is null || wanted.Contains(v.CurrentStage)).Select(ToDto).ToList(),
        };
    });

    public override Task<ActionResult<G.CreateModelVersionResponse>> CreateModelVersionAsync(G.CreateModelVersion body)
    {
        var source = MlflowError.Required(body.Source, "source");
        var name = MlflowError.Required(body.Name, "name");
        var tags = (body.Tags ?? []).Select(t => VersionTag(t.Key, t.Value)).ToList();
        return Write(() =>
        {
            var model = FindModel(name);
            var now = Now();
            var version = new ModelVersionEntity
            {
                Name = model.Name,
                Version = model.NextVersion++,
                CreationTimestamp = now,
                LastUpdatedTimestamp = now,
                Description = body.Description ?? "",
                Source = source,
                RunId = body.Run_id ?? "",
                RunLink = body.Run_link ?? "",
                ModelId = body.Model_id,
            };
            foreach (var (key, value) in tags) version.Tags.Set(key, value);
            model.Versions.Add(version);
            model.LastUpdatedTimestamp = now;
            Models.Touch(model);
            var number = version.Version.ToString(CultureInfo.InvariantCulture);
            if (model.IsPrompt)
            {
                Fire(("prompt_version", "created"), new JsonObject
                {
                    ["name"] = model.Name,
                    ["version"] = number,
                    ["template"] = version.Tags.Get(Prompts.TextTag),
                    ["tags"] = TagsObject(version.Tags, prompt: true),
                    ["description"] = body.Description,
                });
            }
            else
            {
                Fire(("model_version", "created"), new JsonObject
                {
                    ["name"] = model.Name,
                    ["version"] = number,
                    ["source"] = source,
                    ["run_id"] = body.Run_id,
                    ["tags"] = TagsObject(version.Tags, prompt: false),
                    ["description"] = body.Description,
                });
            }
            return new G.CreateModelVersionResponse { Model_version = ToDto(version) };
        });
    }

    public override Task<ActionResult<G.GetModelVersionResponse>> GetModelVersionAsync(string name, string version) =>
        Read(() => new G.GetModelVersionResponse { Model_version = ToDto(FindVersion(name, version).Version) });

    public override Task<ActionResult<G.UpdateModelVersionResponse>> UpdateModelVersionAsync(G.UpdateModelVersion body) => Write(() =>
    {
        var (model, version) = FindVersion(body.Name, body.Version);
        if (body.Description is not null) version.Description = body.Description;
        version.LastUpdatedTimestamp = Now();
        Models.Touch(model);
        return new G.UpdateModelVersionResponse { Model_version = ToDto(version) };
    });

    public override Task<ActionResult<G.DeleteModelVersionResponse>> DeleteModelVersionAsync(G.DeleteModelVersion body) => Write(() =>
    {
        var (model, version) = FindVersion(body.Name, body.Version);
        model.Versions.Remove(version);
        var number = version.Version.ToString(CultureInfo.InvariantCulture);
        foreach (var alias in model.Aliases.Items.Where(a => a.Value == number).Select(a => a.Key).ToList()) model.Aliases.Remove(alias);
        model.LastUpdatedTimestamp = Now();
        Models.Touch(model);
        return new G.DeleteModelVersionResponse();
    });

    public override Task<ActionResult<G.SetModelVersionTagResponse>> SetModelVersionTagAsync(G.SetModelVersionTag body)
    {
        var (key, value) = VersionTag(body.Key, body.Value);
        return Write(() =>
        {
            var (model, version) = FindVersion(body.Name, body.Version);
            version.Tags.Set(key, value);
            Models.Touch(model);
            Fire(model.IsPrompt ? ("prompt_version_tag", "set") : ("model_version_tag", "set"), new JsonObject
            {
                ["name"] = model.Name,
                ["version"] = version.Version.ToString(CultureInfo.InvariantCulture),
                ["key"] = key,
                ["value"] = value,
            });
            return new G.SetModelVersionTagResponse();
        });
    }

    public override Task<ActionResult<G.DeleteModelVersionTagResponse>> DeleteModelVersionTagAsync(G.DeleteModelVersionTag body) => Write(() =>
    {
        var (model, version) = FindVersion(body.Name, body.Version);
        var key = MlflowError.Required(body.Key, "key");
        if (version.Tags.Remove(key)) Models.Touch(model);
        Fire(model.IsPrompt ? ("prompt_version_tag", "deleted") : ("model_version_tag", "deleted"), new JsonObject
        {
            ["name"] = model.Name,
            ["version"] = version.Version.ToString(CultureInfo.InvariantCulture),
            ["key"] = key,
        });
        return new G.DeleteModelVersionTagResponse();
    });

    public override Task<ActionResult<G.TransitionModelVersionStageResponse>> TransitionModelVersionStageAsync(G.TransitionModelVersionStage body)
    {
        var stage = CanonicalStage(MlflowError.Required(body.Stage, "stage"));
        return Write(() =>
        {
            var (model, version) = FindVersion(body.Name, body.Version);
            var now = Now();
            if (body.Archive_existing_versions && stage is "Staging" or "Production")
            {
                foreach (var other in model.Versions.Where(v => v != version && v.CurrentStage == stage))
                {
                    other.CurrentStage = "Archived";
                    other.LastUpdatedTimestamp = now;
                }
            }
            version.CurrentStage = stage;
            version.LastUpdatedTimestamp = now;
            Models.Touch(model);
            return new G.TransitionModelVersionStageResponse { Model_version = ToDto(version) };
        });
    }

    public override Task<ActionResult<G.SearchModelVersionsResponse>> SearchModelVersionsAsync(string? filter, long? max_results, IEnumerable<string>? order_by, string? page_token)
    {
        var max = max_results ?? 10000;
        if (max <= 0 || max > 200000)
            throw MlflowError.InvalidParameter($"Invalid value \"{max}\" for parameter 'max_results' supplied:  Hint: Value was of type 'str'. See the API docs for more information about request parameters.");
        var clauses = SearchFilter.Parse(filter, SearchFilter.ModelVersions);
        var terms = SearchFilter.ParseOrderBy(order_by, SearchFilter.ModelVersions);
        return Read(() =>
        {
            var matching = Models.Values.SelectMany(m => m.Versions).Where(v => SearchFilter.Matches(clauses, (kind, key) => VersionValue(v, kind, key)));
            var ordered = SearchFilter.Order(matching, terms, VersionValue,
                items => items.OrderBy(v => v.Name, StringComparer.Ordinal).ThenByDescending(v => v.Version));
            if (terms.Count > 0) ordered = ((IOrderedEnumerable<ModelVersionEntity>)ordered).ThenBy(v => v.Name, StringComparer.Ordinal).ThenByDescending(v => v.Version);
            var (page, next) = PageToken.Slice(ordered, page_token, (int)max);
            return new G.SearchModelVersionsResponse { Model_versions = page.Select(ToDto).ToList(), Next_page_token = next };
        });
    }

    private static object? VersionValue(ModelVersionEntity v, KeyKind kind, string key) => kind switch
    {
        KeyKind.Tag => v.Tags.Get(key),
        KeyKind.Attribute => key switch
        {
            "name" => v.Name,
            "run_id" => v.RunId,
            "source_path" => v.Source,
            "version" => v.Version.ToString(CultureInfo.InvariantCulture),
            "version_number" => (double)v.Version,
            "current_stage" => v.CurrentStage,
            "status" => "READY",
            "creation_timestamp" => (double)v.CreationTimestamp,
            "last_updated_timestamp" => (double)v.LastUpdatedTimestamp,
            _ => null,
        },
        _ => null,
    };

    public override Task<ActionResult<G.GetModelVersionDownloadUriResponse>> GetModelVersionDownloadUriAsync(string name, string version) =>
        Read(() => new G.GetModelVersionDownloadUriResponse { Artifact_uri = FindVersion(name, version).Version.Source });

    // ---------------------------------------------------------------- aliases

    public override Task<ActionResult<G.SetRegisteredModelAliasResponse>> SetRegisteredModelAliasAsync(G.SetRegisteredModelAlias body)
    {
        var alias = ValidateAlias(body.Alias);
        return Write(() =>
        {
            var (model, version) = FindVersion(body.Name, body.Version);
            var number = version.Version.ToString(CultureInfo.InvariantCulture);
            model.Aliases.Set(alias, number);
            model.LastUpdatedTimestamp = Now();
            Models.Touch(model);
            Fire(model.IsPrompt ? ("prompt_alias", "created") : ("model_version_alias", "created"),
                new JsonObject { ["name"] = model.Name, ["alias"] = alias, ["version"] = number });
            return new G.SetRegisteredModelAliasResponse();
        });
    }

    public override Task<ActionResult<G.DeleteRegisteredModelAliasResponse>> DeleteRegisteredModelAliasAsync(G.DeleteRegisteredModelAlias body) => Write(() =>
    {
        var model = FindModel(body.Name);
        var alias = MlflowError.Required(body.Alias, "alias");
        if (model.Aliases.Remove(alias)) Models.Touch(model);
        Fire(model.IsPrompt ? ("prompt_alias", "deleted") : ("model_version_alias", "deleted"),
            new JsonObject { ["name"] = model.Name, ["alias"] = alias });
        return new G.DeleteRegisteredModelAliasResponse();
    });

    public override Task<ActionResult<G.GetModelVersionByAliasResponse>> GetModelVersionByAliasAsync(string name, string alias) => Read(() =>
    {
        var model = FindModel(name);
        var number = model.Aliases.Get(alias) ?? throw MlflowError.InvalidParameter($"Registered model alias {alias} not found.");
        return new G.GetModelVersionByAliasResponse { Model_version = ToDto(FindVersion(model.Name, number).Version) };
    });

    /// <summary>MLflow's alias rules: letters, digits, <c>_</c> and <c>-</c>; at most 255 characters; not <c>latest</c>, not <c>v&lt;number&gt;</c>.</summary>
    private static string ValidateAlias(string? alias)
    {
        if (string.IsNullOrEmpty(alias)) throw MlflowError.MissingParameter("alias");
        if (!Regex.IsMatch(alias, @"^[\w\-]*$", RegexOptions.CultureInvariant))
            throw MlflowError.InvalidParameter($"Invalid alias name: '{alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).");
        Validation.Length(alias, "Registered model alias name", Validation.MaxAliasLength);
        if (alias.Equals("latest", StringComparison.OrdinalIgnoreCase))
            throw MlflowError.InvalidParameter("'latest' alias name (case insensitive) is reserved.");
        if (Regex.IsMatch(alias, @"^[vV]\d+$", RegexOptions.CultureInvariant))
            throw MlflowError.InvalidParameter($"Version alias name '{alias}' is reserved.");
        return alias;
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>A registered-model tag: the name checked, key and value within 250 / 5000 characters.</summary>
    private static (string Key, string Value) RegistryTag(string? key, string? value)
    {
        Validation.Name(key, "key");
        Validation.Length(key!, "key", Validation.MaxRegistryTagKeyLength);
        return (key!, Validation.Length(value ?? "", "value", Validation.MaxRegistryTagValueLength));
    }

    /// <summary>A model-version tag: as a registered-model tag, with MLflow's own message for an over-long prompt text.</summary>
    private static (string Key, string Value) VersionTag(string? key, string? value)
    {
        Validation.Name(key, "key");
        if (value is null) throw MlflowError.InvalidParameter("Tag value cannot be None");
        Validation.Length(key!, "key", Validation.MaxRegistryTagKeyLength);
        if (key == Prompts.TextTag && value.Length > Validation.MaxRegistryTagValueLength)
            throw MlflowError.InvalidParameter($"Prompt text exceeds max length of {Validation.MaxRegistryTagValueLength} characters.");
        return (key!, Validation.Length(value, "value", Validation.MaxRegistryTagValueLength));
    }

    private RegisteredModelEntity FindModel(string? name)
    {
        if (string.IsNullOrEmpty(name)) throw MlflowError.MissingParameter("name");
        return Models.Find(name) ?? throw MlflowError.NotFound($"Registered Model with name={name} not found");
    }

    private (RegisteredModelEntity Model, ModelVersionEntity Version) FindVersion(string? name, string? version)
    {
        if (string.IsNullOrEmpty(version)) throw MlflowError.MissingParameter("version");
        if (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            throw MlflowError.InvalidParameter($"Parameter 'version' must be an integer, got '{version}'.");
        if (string.IsNullOrEmpty(name)) throw MlflowError.MissingParameter("name");
        var model = Models.Find(name);
        var found = model?.Versions.FirstOrDefault(v => v.Version == number);
        return found is null ? throw MlflowError.NotFound($"Model Version (name={name}, version={version}) not found") : (model!, found);
    }

    private static string CanonicalStage(string stage) =>
        Stages.FirstOrDefault(s => s.Equals(stage, StringComparison.OrdinalIgnoreCase))
        ?? throw MlflowError.InvalidParameter($"Invalid Model Version stage: {stage}. Value must be one of {string.Join(", ", Stages)}.");

    private static IEnumerable<ModelVersionEntity> LatestPerStage(RegisteredModelEntity model) =>
        model.Versions.GroupBy(v => v.CurrentStage).Select(g => g.MaxBy(v => v.Version)!).OrderBy(v => v.Version);

    private static JsonObject TagsObject(TagMap tags, bool prompt)
    {
        var result = new JsonObject();
        foreach (var (key, value) in tags.Items)
            if (!prompt || !Prompts.IsInternal(key)) result[key] = value;
        return result;
    }

    private G.RegisteredModel ToDto(RegisteredModelEntity m) => new()
    {
        Name = m.Name,
        Creation_timestamp = m.CreationTimestamp,
        Last_updated_timestamp = m.LastUpdatedTimestamp,
        Description = m.Description,
        // MLflow lists latest versions without their aliases (the model carries them).
        Latest_versions = LatestPerStage(m).Select(v => { var dto = ToDto(v); dto.Aliases = null; return dto; }).ToList(),
        Tags = m.Tags.Items.Select(t => new G.RegisteredModelTag { Key = t.Key, Value = t.Value }).ToList(),
        Aliases = m.Aliases.Items.Select(a => new G.RegisteredModelAlias { Alias = a.Key, Version = a.Value }).ToList(),
    };

    private G.ModelVersion ToDto(ModelVersionEntity v)
    {
        var number = v.Version.ToString(CultureInfo.InvariantCulture);
        var aliases = Models.Find(v.Name) is { } model
            ? model.Aliases.Items.Where(a => a.Value == number).Select(a => a.Key).ToList()
            : [];
        return new G.ModelVersion
        {
            Name = v.Name,
            Version = number,
            Creation_timestamp = v.CreationTimestamp,
            Last_updated_timestamp = v.LastUpdatedTimestamp,
            Current_stage = v.CurrentStage,
            Description = v.Description,
            Source = v.Source,
            Run_id = v.RunId,
            Status = G.ModelVersionStatus.READY,
            Tags = v.Tags.Items.Select(t => new G.ModelVersionTag { Key = t.Key, Value = t.Value }).ToList(),
            Run_link = v.RunLink,
            // MLflow 3.11 keeps the model_id a version was created with but does not answer it.
            Aliases = aliases,
        };
    }
}
