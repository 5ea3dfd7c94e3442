using System.Globalization;
using System.Text.Json.Nodes;
using Mlflow.Testing.Store;
using G = Mlflow.Testing.Generated;

namespace Mlflow.Testing.Server;

/// <summary>Model registry: registered models, versions, tags, stages, aliases, search; prompts are tagged models.</summary>
internal sealed partial class MlflowOperations
{
    private static readonly string[] Stages = ["None", "Staging", "Production", "Archived"];
    private readonly Dictionary<string, RegisteredModelEntity> models = new(StringComparer.Ordinal);

    public G.CreateRegisteredModelResponse CreateRegisteredModelAsync(G.CreateRegisteredModel body)
    {
        var name = MlflowError.Required(body.Name, "name");
        lock (gate)
        {
            if (models.TryGetValue(name, out var existing))
            {
                throw MlflowError.AlreadyExists(existing.IsPrompt
                    ? $"Prompt (name={name}) already exists."
                    : $"Registered Model (name={name}) already exists.");
            }
            var now = Now();
            var model = new RegisteredModelEntity { Name = name, CreationTimestamp = now, LastUpdatedTimestamp = now, Description = body.Description };
            foreach (var tag in body.Tags ?? []) model.Tags.Set(ValidateKey(tag.Key, "tag"), tag.Value ?? "");
            models[name] = model;
            var data = new JsonObject { ["name"] = name, ["tags"] = TagsObject(model.Tags, model.IsPrompt), ["description"] = body.Description };
            Fire(model.IsPrompt ? ("prompt", "created") : ("registered_model", "created"), data);
            return new G.CreateRegisteredModelResponse { Registered_model = ToDto(model) };
        }
    }

    public G.GetRegisteredModelResponse GetRegisteredModelAsync(string name)
    {
        lock (gate) return new G.GetRegisteredModelResponse { Registered_model = ToDto(FindModel(name)) };
    }

    public G.RenameRegisteredModelResponse RenameRegisteredModelAsync(G.RenameRegisteredModel body)
    {
        lock (gate)
        {
            var model = FindModel(body.Name);
            var newName = MlflowError.Required(body.New_name, "new_name");
            if (models.ContainsKey(newName)) throw MlflowError.AlreadyExists($"Registered Model (name={newName}) already exists.");
            models.Remove(model.Name);
            model.Name = newName;
            foreach (var version in model.Versions) version.Name = newName;
            model.LastUpdatedTimestamp = Now();
            models[newName] = model;
            return new G.RenameRegisteredModelResponse { Registered_model = ToDto(model) };
        }
    }

    public G.UpdateRegisteredModelResponse UpdateRegisteredModelAsync(G.UpdateRegisteredModel body)
    {
        lock (gate)
        {
            var model = FindModel(body.Name);
            if (body.Description is not null) model.Description = body.Description;
            model.LastUpdatedTimestamp = Now();
            return new G.UpdateRegisteredModelResponse { Registered_model = ToDto(model) };
        }
    }

    public G.DeleteRegisteredModelResponse DeleteRegisteredModelAsync(G.DeleteRegisteredModel body)
    {
        lock (gate)
        {
            var model = FindModel(body.Name);
            models.Remove(model.Name);
            return new G.DeleteRegisteredModelResponse();
        }
    }

    public G.SetRegisteredModelTagResponse SetRegisteredModelTagAsync(G.SetRegisteredModelTag body)
    {
        lock (gate)
        {
            var model = FindModel(body.Name);
            var key = ValidateKey(body.Key, "tag");
            model.Tags.Set(key, body.Value ?? "");
            // Tag changes on plain models fire no event; on prompts they do.
            if (model.IsPrompt) Fire(("prompt_tag", "set"), new JsonObject { ["name"] = model.Name, ["key"] = key, ["value"] = body.Value ?? "" });
            return new G.SetRegisteredModelTagResponse();
        }
    }

    public G.DeleteRegisteredModelTagResponse DeleteRegisteredModelTagAsync(G.DeleteRegisteredModelTag body)
    {
        lock (gate)
        {
            var model = FindModel(body.Name);
            var key = MlflowError.Required(body.Key, "key");
            // MLflow answers 200 for a tag that does not exist.
            var prompt = model.IsPrompt;
            model.Tags.Remove(key);
            if (prompt) Fire(("prompt_tag", "deleted"), new JsonObject { ["name"] = model.Name, ["key"] = key });
            return new G.DeleteRegisteredModelTagResponse();
        }
    }

    public G.SearchRegisteredModelsResponse SearchRegisteredModelsAsync(string? filter, long? max_results, IEnumerable<string>? order_by, string? page_token)
    {
        var max = max_results ?? 100;
        if (max <= 0 || max > 1000)
            throw MlflowError.InvalidParameter($"Invalid value \"{max}\" for parameter 'max_results' supplied:  Hint: Value was of type 'str'. See the API docs for more information about request parameters.");
        var clauses = SearchFilter.Parse(filter, SearchFilter.RegisteredModels);
        var terms = SearchFilter.ParseOrderBy(order_by, SearchFilter.RegisteredModels);
        lock (gate)
        {
            var matching = models.Values.Where(m => SearchFilter.Matches(clauses, (kind, key) => ModelValue(m, kind, key)));
            var ordered = SearchFilter.Order(matching, terms, ModelValue, items => items.OrderBy(m => m.Name, StringComparer.Ordinal));
            var (page, next) = PageToken.Slice(ordered, page_token, (int)max);
            return new G.SearchRegisteredModelsResponse { Registered_models = page.Select(ToDto).ToList(), Next_page_token = next };
        }
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

    public G.GetLatestVersionsResponse GetLatestVersionsAsync(G.GetLatestVersions body) => GetLatestVersions(body.Name, body.Stages);

    public G.GetLatestVersionsResponse GetLatestVersionsGetAsync(string name, IEnumerable<string>? stages) => GetLatestVersions(name, stages?.ToList());

    private G.GetLatestVersionsResponse GetLatestVersions(string? name, List<string>? stages)
    {
        lock (gate)
        {
            var model = FindModel(name);
            var wanted = stages is { Count: > 0 } ? stages.Select(CanonicalStage).ToHashSet() : null;
            return new G.GetLatestVersionsResponse
            {
                Model_versions = LatestPerStage(model).Where(v => wanted is null || wanted.Contains(v.CurrentStage)).Select(ToDto).ToList(),
            };
        }
    }

    public G.CreateModelVersionResponse CreateModelVersionAsync(G.CreateModelVersion body)
    {
        var source = MlflowError.Required(body.Source, "source");
        lock (gate)
        {
            var model = FindModel(MlflowError.Required(body.Name, "name"));
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
            foreach (var tag in body.Tags ?? []) version.Tags.Set(ValidateKey(tag.Key, "tag"), tag.Value ?? "");
            model.Versions.Add(version);
            model.LastUpdatedTimestamp = now;
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
        }
    }

    public G.GetModelVersionResponse GetModelVersionAsync(string name, string version)
    {
        lock (gate) return new G.GetModelVersionResponse { Model_version = ToDto(FindVersion(name, version).Version) };
    }

    public G.UpdateModelVersionResponse UpdateModelVersionAsync(G.UpdateModelVersion body)
    {
        lock (gate)
        {
            var (_, version) = FindVersion(body.Name, body.Version);
            if (body.Description is not null) version.Description = body.Description;
            version.LastUpdatedTimestamp = Now();
            return new G.UpdateModelVersionResponse { Model_version = ToDto(version) };
        }
    }

    public G.DeleteModelVersionResponse DeleteModelVersionAsync(G.DeleteModelVersion body)
    {
        lock (gate)
        {
            var (model, version) = FindVersion(body.Name, body.Version);
            model.Versions.Remove(version);
            var number = version.Version.ToString(CultureInfo.InvariantCulture);
            foreach (var alias in model.Aliases.Items.Where(a => a.Value == number).Select(a => a.Key).ToList()) model.Aliases.Remove(alias);
            model.LastUpdatedTimestamp = Now();
            return new G.DeleteModelVersionResponse();
        }
    }

    public G.SetModelVersionTagResponse SetModelVersionTagAsync(G.SetModelVersionTag body)
    {
        lock (gate)
        {
            var (model, version) = FindVersion(body.Name, body.Version);
            var key = ValidateKey(body.Key, "tag");
            version.Tags.Set(key, body.Value ?? "");
            Fire(model.IsPrompt ? ("prompt_version_tag", "set") : ("model_version_tag", "set"), new JsonObject
            {
                ["name"] = model.Name,
                ["version"] = version.Version.ToString(CultureInfo.InvariantCulture),
                ["key"] = key,
                ["value"] = body.Value ?? "",
            });
            return new G.SetModelVersionTagResponse();
        }
    }

    public G.DeleteModelVersionTagResponse DeleteModelVersionTagAsync(G.DeleteModelVersionTag body)
    {
        lock (gate)
        {
            var (model, version) = FindVersion(body.Name, body.Version);
            var key = MlflowError.Required(body.Key, "key");
            version.Tags.Remove(key);
            Fire(model.IsPrompt ? ("prompt_version_tag", "deleted") : ("model_version_tag", "deleted"), new JsonObject
            {
                ["name"] = model.Name,
                ["version"] = version.Version.ToString(CultureInfo.InvariantCulture),
                ["key"] = key,
            });
            return new G.DeleteModelVersionTagResponse();
        }
    }

    public G.TransitionModelVersionStageResponse TransitionModelVersionStageAsync(G.TransitionModelVersionStage body)
    {
        lock (gate)
        {
            var (model, version) = FindVersion(body.Name, body.Version);
            var stage = CanonicalStage(MlflowError.Required(body.Stage, "stage"));
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
            return new G.TransitionModelVersionStageResponse { Model_version = ToDto(version) };
        }
    }

    public G.SearchModelVersionsResponse SearchModelVersionsAsync(string? filter, long? max_results, IEnumerable<string>? order_by, string? page_token)
    {
        var max = max_results ?? 10000;
        if (max <= 0 || max > 200000)
            throw MlflowError.InvalidParameter($"Invalid value \"{max}\" for parameter 'max_results' supplied:  Hint: Value was of type 'str'. See the API docs for more information about request parameters.");
        var clauses = SearchFilter.Parse(filter, SearchFilter.ModelVersions);
        var terms = SearchFilter.ParseOrderBy(order_by, SearchFilter.ModelVersions);
        lock (gate)
        {
            var matching = models.Values.SelectMany(m => m.Versions).Where(v => SearchFilter.Matches(clauses, (kind, key) => VersionValue(v, kind, key)));
            var ordered = SearchFilter.Order(matching, terms, VersionValue,
                items => items.OrderBy(v => v.Name, StringComparer.Ordinal).ThenByDescending(v => v.Version));
            var (page, next) = PageToken.Slice(ordered, page_token, (int)max);
            return new G.SearchModelVersionsResponse { Model_versions = page.Select(ToDto).ToList(), Next_page_token = next };
        }
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

    public G.GetModelVersionDownloadUriResponse GetModelVersionDownloadUriAsync(string name, string version)
    {
        lock (gate) return new G.GetModelVersionDownloadUriResponse { Artifact_uri = FindVersion(name, version).Version.Source };
    }

    // ---------------------------------------------------------------- aliases

    public G.SetRegisteredModelAliasResponse SetRegisteredModelAliasAsync(G.SetRegisteredModelAlias body)
    {
        var alias = MlflowError.Required(body.Alias, "alias");
        ValidateAlias(alias);
        lock (gate)
        {
            var (model, version) = FindVersion(body.Name, body.Version);
            var number = version.Version.ToString(CultureInfo.InvariantCulture);
            model.Aliases.Set(alias, number);
            model.LastUpdatedTimestamp = Now();
            Fire(model.IsPrompt ? ("prompt_alias", "created") : ("model_version_alias", "created"),
                new JsonObject { ["name"] = model.Name, ["alias"] = alias, ["version"] = number });
            return new G.SetRegisteredModelAliasResponse();
        }
    }

    public G.DeleteRegisteredModelAliasResponse DeleteRegisteredModelAliasAsync(G.DeleteRegisteredModelAlias body)
    {
        lock (gate)
        {
            var model = FindModel(body.Name);
            var alias = MlflowError.Required(body.Alias, "alias");
            model.Aliases.Remove(alias);
            Fire(model.IsPrompt ? ("prompt_alias", "deleted") : ("model_version_alias", "deleted"),
                new JsonObject { ["name"] = model.Name, ["alias"] = alias });
            return new G.DeleteRegisteredModelAliasResponse();
        }
    }

    public G.GetModelVersionByAliasResponse GetModelVersionByAliasAsync(string name, string alias)
    {
        lock (gate)
        {
            var model = FindModel(name);
            var number = model.Aliases.Get(alias) ?? throw MlflowError.InvalidParameter($"Registered model alias {alias} not found.");
            return new G.GetModelVersionByAliasResponse { Model_version = ToDto(FindVersion(model.Name, number).Version) };
        }
    }

    private static void ValidateAlias(string alias)
    {
        if (alias.Equals("latest", StringComparison.OrdinalIgnoreCase))
            throw MlflowError.InvalidParameter($"'{alias}' alias name (case insensitive) is reserved.");
        if (alias.Length > 1 && (alias[0] is 'v' or 'V') && alias[1..].All(char.IsAsciiDigit))
            throw MlflowError.InvalidParameter($"Version alias name '{alias}' is reserved.");
        if (alias.Length > 255) throw MlflowError.InvalidParameter($"Alias name exceeds the maximum length of 255 characters.");
    }

    // ---------------------------------------------------------------- helpers

    private RegisteredModelEntity FindModel(string? name)
    {
        if (string.IsNullOrEmpty(name)) throw MlflowError.MissingParameter("name");
        return models.TryGetValue(name, out var model) ? model : throw MlflowError.NotFound($"Registered Model with name={name} not found");
    }

    private (RegisteredModelEntity Model, ModelVersionEntity Version) FindVersion(string? name, string? version)
    {
        if (string.IsNullOrEmpty(version)) throw MlflowError.MissingParameter("version");
        if (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            throw MlflowError.InvalidParameter($"Parameter 'version' must be an integer, got '{version}'.");
        if (string.IsNullOrEmpty(name)) throw MlflowError.MissingParameter("name");
        var model = models.GetValueOrDefault(name);
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
        var aliases = models.TryGetValue(v.Name, out var model)
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
            Aliases = aliases,
        };
    }
}
