using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Google.Protobuf.Reflection;
using ProtoBuf;
using ProtoBuf.Reflection;

namespace Mlflow.SpecGen;

/// <summary>
/// Reads a folder of MLflow <c>.proto</c> files (what <c>mlflow/protos</c> holds in any MLflow release) with
/// protobuf-net's proto parser and turns it into the proto structure dump that <see cref="ProtoStore"/> reads
/// (the format of <c>spec/sources/mlflow-protos.json</c>): the files that declare a served service plus everything
/// they import, their messages, enums and the served services' RPCs with the HTTP bindings and visibility taken
/// from MLflow's <c>(rpc)</c> method option, and <c>(validate_required)</c> on fields.
/// </summary>
/// <remarks>
/// MLflow's custom options are declared in <c>databricks.proto</c>; they are looked up by name in what was parsed,
/// so an older or partial <c>databricks.proto</c> works as long as it declares the options it is used with. When
/// <c>databricks.proto</c> is absent a built-in declaration of those options stands in
/// (<see cref="FallbackProtos"/>); when <c>scalapb/scalapb.proto</c> is absent its Scala-only options are removed
/// from the text before parsing (they mean nothing to the REST surface).
/// </remarks>
internal static class ProtoFolder
{
    /// <summary>The proto services the OSS tracking server serves (by full name).</summary>
    public static readonly string[] ServedServices =
    [
        "mlflow.MlflowService", "mlflow.ModelRegistryService", "mlflow.artifacts.MlflowArtifactsService", "mlflow.WebhookService",
    ];

    /// <summary>Reads the folder; notes (substitutions, skipped files) go to <paramref name="notes"/>.</summary>
    public static JsonObject Extract(string folder, List<string>? notes = null, string? source = null)
    {
        notes ??= new List<string>();
        if (!Directory.Exists(folder)) throw new SpecGenException($"proto folder '{folder}' does not exist");
        var root = Path.GetFullPath(folder);
        var files = Directory.GetFiles(root, "*.proto", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0) throw new SpecGenException($"no .proto files under '{folder}'");

        var fileSystem = new FolderFileSystem(root, notes);
        // Parse each file on its own first, to find the ones that declare a served service without tripping
        // over unrelated files (Databricks-only protos may import things an OSS checkout does not have).
        var roots = new List<string>();
        foreach (var file in files)
        {
            var text = fileSystem.ReadText(file);
            if (text is null) continue;
            var package = Regex.Match(text, @"^\s*package\s+([\w.]+)\s*;", RegexOptions.Multiline).Groups[1].Value;
            foreach (Match m in Regex.Matches(text, @"^\s*service\s+(\w+)", RegexOptions.Multiline))
            {
                var full = (package.Length > 0 ? package + "." : "") + m.Groups[1].Value;
                if (ServedServices.Contains(full) && !roots.Contains(file)) roots.Add(file);
            }
        }
        if (roots.Count == 0)
            throw new SpecGenException($"no file under '{folder}' declares one of the served services ({string.Join(", ", ServedServices)}); is this MLflow's mlflow/protos folder?");
        // Served services first, in the order of ServedServices (service.proto, model_registry.proto, ...).
        roots = roots.OrderBy(r => Enumerable.Range(0, ServedServices.Length).Where(i => fileSystem.DeclaresService(r, ServedServices[i])).DefaultIfEmpty(int.MaxValue).Min())
            .ThenBy(r => r, StringComparer.Ordinal).ToList();

        var set = new FileDescriptorSet { FileSystem = fileSystem };
        set.AddImportPath(root);
        foreach (var r in roots) set.Add(r, includeInOutput: true);
        set.Process();
        var errors = set.GetErrors().Where(e => e.IsError).ToList();
        if (errors.Count > 0)
            throw new SpecGenException("the proto files do not parse:\n" + string.Join("\n", errors.Take(20).Select(e => $"  {e.File}({e.LineNumber},{e.ColumnNumber}): {e.Message}")));

        var byName = set.Files.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var options = new OptionReader(set);
        var ordered = new List<FileDescriptorProto>();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        // One file imported under two names ("databricks.proto" and "mlflow/protos/databricks.proto") is listed once.
        void Visit(string name)
        {
            if (!visited.Add(Normalize(name)) || !byName.TryGetValue(name, out var f)) return;
            foreach (var dep in f.Dependencies) Visit(dep);
            if (name is "google/protobuf/descriptor.proto" || name.StartsWith("scalapb/", StringComparison.Ordinal) || name.StartsWith(FolderFileSystem.RepoPrefix + "scalapb/", StringComparison.Ordinal)) return;
            ordered.Add(f);
        }
        foreach (var r in roots) Visit(r);

        var result = new JsonArray();
        foreach (var file in ordered)
        {
            var package = file.Package ?? "";
            var fileNode = new JsonObject
            {
                ["file"] = Normalize(file.Name),
                ["package"] = package,
                ["messages"] = new JsonArray(file.MessageTypes.Select(m => (JsonNode)Message(m, Join(package, m.Name), options)).ToArray()),
                ["enums"] = new JsonArray(file.EnumTypes.Select(e => (JsonNode)Enum(e, Join(package, e.Name))).ToArray()),
                ["services"] = new JsonArray(file.Services
                    .Where(s => ServedServices.Contains(Join(package, s.Name)))
                    .Select(s => (JsonNode)Service(s, Join(package, s.Name), options, notes)).ToArray()),
            };
            result.Add(fileNode);
        }
        return new JsonObject
        {
            ["source"] = source ?? "MLflow protos read from " + Path.GetFileName(root.TrimEnd('/')),
            ["files"] = result,
            ["about"] = "Structure of MLflow's OSS proto files: messages with fields (name, json_name, number, label, type, type_name, map, oneof, default, validate_required), enums, and the four served services with each RPC's HTTP endpoints (method, path relative to /api/{major}.0, since) and visibility. Data only: no comments. Written by Mlflow.SpecGen extract.",
        };
    }

    private static string Normalize(string file) =>
        file.StartsWith(FolderFileSystem.RepoPrefix, StringComparison.Ordinal) ? file[FolderFileSystem.RepoPrefix.Length..] : file;

    private static string Join(string package, string name) => package.Length == 0 ? name : package + "." + name;

    private static JsonObject Message(DescriptorProto m, string fullName, OptionReader options)
    {
        var mapEntries = m.NestedTypes.Where(n => n.Options?.MapEntry == true).ToDictionary(n => "." + fullName + "." + n.Name, StringComparer.Ordinal);
        var fields = new JsonArray();
        foreach (var f in m.Fields)
        {
            var node = new JsonObject
            {
                ["name"] = f.Name,
                ["json_name"] = string.IsNullOrEmpty(f.JsonName) ? f.Name : f.JsonName,
                ["number"] = f.Number,
                ["label"] = f.label switch
                {
                    FieldDescriptorProto.Label.LabelRepeated => "repeated",
                    FieldDescriptorProto.Label.LabelRequired => "required",
                    _ => "optional",
                },
                ["type"] = TypeName(f.type),
            };
            if (f.type is FieldDescriptorProto.Type.TypeMessage or FieldDescriptorProto.Type.TypeEnum)
            {
                if (mapEntries.TryGetValue(f.TypeName, out var entry))
                {
                    var key = entry.Fields.Single(x => x.Number == 1);
                    var value = entry.Fields.Single(x => x.Number == 2);
                    node["map"] = new JsonObject
                    {
                        ["key"] = TypeName(key.type),
                        ["value"] = value.type is FieldDescriptorProto.Type.TypeMessage or FieldDescriptorProto.Type.TypeEnum
                            ? value.TypeName.TrimStart('.') : TypeName(value.type),
                    };
                }
                else
                {
                    node["type_name"] = f.TypeName.TrimStart('.');
                }
            }
            if (f.ShouldSerializeOneofIndex() && !f.Proto3Optional) node["oneof"] = m.OneofDecls[f.OneofIndex].Name;
            if (!string.IsNullOrEmpty(f.DefaultValue)) node["default"] = Default(f, options);
            if (options.FieldFlag(f, "validate_required")) node["validate_required"] = true;
            // Keep the dump's key order: map and default come after type, flags last.
            fields.Add(Reorder(node));
        }
        return new JsonObject
        {
            ["name"] = fullName,
            ["fields"] = fields,
            ["nested_messages"] = new JsonArray(m.NestedTypes.Where(n => n.Options?.MapEntry != true)
                .Select(n => (JsonNode)Message(n, fullName + "." + n.Name, options)).ToArray()),
            ["nested_enums"] = new JsonArray(m.EnumTypes.Select(e => (JsonNode)Enum(e, fullName + "." + e.Name)).ToArray()),
        };
    }

    private static readonly string[] FieldKeyOrder = ["name", "json_name", "number", "label", "type", "type_name", "map", "oneof", "default", "validate_required"];

    private static JsonObject Reorder(JsonObject node)
    {
        var result = new JsonObject();
        foreach (var key in FieldKeyOrder)
            if (node[key] is { } value) { node.Remove(key); result[key] = value; }
        return result;
    }

    private static JsonNode Default(FieldDescriptorProto f, OptionReader options) => f.type switch
    {
        FieldDescriptorProto.Type.TypeBool => JsonValue.Create(f.DefaultValue == "true"),
        FieldDescriptorProto.Type.TypeDouble or FieldDescriptorProto.Type.TypeFloat =>
            double.Parse(f.DefaultValue, CultureInfo.InvariantCulture) is var d && d == Math.Floor(d) && Math.Abs(d) < 1e15 ? JsonValue.Create((long)d) : JsonValue.Create(d),
        FieldDescriptorProto.Type.TypeString or FieldDescriptorProto.Type.TypeBytes => JsonValue.Create(f.DefaultValue),
        // The dump gives enum defaults by number, as descriptor tools that resolve them do.
        FieldDescriptorProto.Type.TypeEnum => options.EnumNumber(f.TypeName, f.DefaultValue) is { } n ? JsonValue.Create(n) : JsonValue.Create(f.DefaultValue),
        _ => JsonValue.Create(long.Parse(f.DefaultValue, CultureInfo.InvariantCulture)),
    };

    private static JsonObject Enum(EnumDescriptorProto e, string fullName) => new()
    {
        ["name"] = fullName,
        ["values"] = new JsonArray(e.Values.Select(v => (JsonNode)new JsonObject { ["name"] = v.Name, ["number"] = v.Number }).ToArray()),
    };

    private static JsonObject Service(ServiceDescriptorProto s, string fullName, OptionReader options, List<string> notes)
    {
        var rpcs = new JsonArray();
        foreach (var m in s.Methods)
        {
            var rpc = options.Rpc(m);
            if (rpc is null)
            {
                notes.Add($"{fullName}.{m.Name} has no (rpc) option: it has no HTTP binding and is left out");
                continue;
            }
            var node = new JsonObject
            {
                ["name"] = m.Name,
                ["input"] = m.InputType.TrimStart('.'),
                ["output"] = m.OutputType.TrimStart('.'),
                ["endpoints"] = new JsonArray(rpc.Value.Endpoints.Select(ep => (JsonNode)new JsonObject
                {
                    ["method"] = ep.Method,
                    ["path"] = ep.Path,
                    ["since"] = ep.Since,
                }).ToArray()),
            };
            if (rpc.Value.Visibility is { } visibility) node["visibility"] = visibility;
            rpcs.Add(node);
        }
        return new JsonObject { ["name"] = fullName, ["rpcs"] = rpcs };
    }

    private static string TypeName(FieldDescriptorProto.Type type) => type switch
    {
        FieldDescriptorProto.Type.TypeDouble => "double",
        FieldDescriptorProto.Type.TypeFloat => "float",
        FieldDescriptorProto.Type.TypeInt64 => "int64",
        FieldDescriptorProto.Type.TypeUint64 => "uint64",
        FieldDescriptorProto.Type.TypeInt32 => "int32",
        FieldDescriptorProto.Type.TypeFixed64 => "fixed64",
        FieldDescriptorProto.Type.TypeFixed32 => "fixed32",
        FieldDescriptorProto.Type.TypeBool => "bool",
        FieldDescriptorProto.Type.TypeString => "string",
        FieldDescriptorProto.Type.TypeGroup => "group",
        FieldDescriptorProto.Type.TypeMessage => "message",
        FieldDescriptorProto.Type.TypeBytes => "bytes",
        FieldDescriptorProto.Type.TypeUint32 => "uint32",
        FieldDescriptorProto.Type.TypeEnum => "enum",
        FieldDescriptorProto.Type.TypeSfixed32 => "sfixed32",
        FieldDescriptorProto.Type.TypeSfixed64 => "sfixed64",
        FieldDescriptorProto.Type.TypeSint32 => "sint32",
        FieldDescriptorProto.Type.TypeSint64 => "sint64",
        _ => throw new SpecGenException($"unknown proto field type {type}"),
    };

    /// <summary>
    /// Serves the folder's files to the parser; stands in for <c>databricks.proto</c> when absent and strips the
    /// Scala options when <c>scalapb/scalapb.proto</c> is absent.
    /// </summary>
    private sealed class FolderFileSystem(string root, List<string> notes) : IFileSystem
    {
        private readonly Dictionary<string, string?> _cache = new(StringComparer.Ordinal);
        private readonly HashSet<string> _noted = new(StringComparer.Ordinal);

        private bool HasScalapb => File.Exists(Path.Combine(root, "scalapb", "scalapb.proto"));

        public const string RepoPrefix = "mlflow/protos/";

        public bool Exists(string path) =>
            ReadText(path) is not null;

        public TextReader? OpenText(string path) =>
            ReadText(path) is { } text ? new StringReader(text) : null;

        public bool DeclaresService(string file, string fullName)
        {
            var text = ReadText(file) ?? "";
            var dot = fullName.LastIndexOf('.');
            var package = Regex.Match(text, @"^\s*package\s+([\w.]+)\s*;", RegexOptions.Multiline).Groups[1].Value;
            return package == fullName[..dot] && Regex.IsMatch(text, @"^\s*service\s+" + Regex.Escape(fullName[(dot + 1)..]) + @"\b", RegexOptions.Multiline);
        }

        public string? ReadText(string path)
        {
            // The parser asks for import-path + name; the folder is the only import path.
            if (Path.IsPathRooted(path)) path = Path.GetRelativePath(root, path);
            path = path.Replace('\\', '/');
            if (_cache.TryGetValue(path, out var cached)) return cached;
            var full = Path.Combine(root, path);
            // Some MLflow releases import from the repository root ("mlflow/protos/databricks.proto").
            if (!File.Exists(full) && path.StartsWith(RepoPrefix, StringComparison.Ordinal)) full = Path.Combine(root, path[RepoPrefix.Length..]);
            string? text = null;
            if (File.Exists(full))
            {
                text = File.ReadAllText(full);
                if (!HasScalapb && text.Contains("scalapb", StringComparison.Ordinal))
                {
                    text = Regex.Replace(text, @"^\s*import\s+""(mlflow/protos/)?scalapb/scalapb\.proto""\s*;", "", RegexOptions.Multiline);
                    text = Regex.Replace(text, @"option\s*\(\s*scalapb\.[^)]*\)[^;]*;", "");
                    if (_noted.Add("scalapb")) notes.Add("scalapb/scalapb.proto is absent: its Scala-only options were ignored");
                }
            }
            else if (path is "databricks.proto" or RepoPrefix + "databricks.proto")
            {
                text = FallbackProtos.Databricks;
                if (_noted.Add("databricks.proto")) notes.Add("databricks.proto is absent: the built-in declaration of MLflow's rpc and field options was used");
            }
            _cache[path] = text;
            return text;
        }
    }

    /// <summary>A decoded <c>(rpc)</c> option.</summary>
    internal readonly record struct RpcOption(IReadOnlyList<(string Method, string Path, string Since)> Endpoints, string? Visibility);

    /// <summary>
    /// Decodes MLflow's custom options from the option messages' extension bytes, using the declarations found in
    /// the parsed files (looked up by name, so field numbers and partial declarations of older releases work).
    /// </summary>
    private sealed class OptionReader
    {
        private readonly Dictionary<string, DescriptorProto> _messages = new(StringComparer.Ordinal);
        private readonly Dictionary<string, EnumDescriptorProto> _enums = new(StringComparer.Ordinal);
        private readonly Dictionary<(string Extendee, string Name), FieldDescriptorProto> _extensions = new();

        public OptionReader(FileDescriptorSet set)
        {
            foreach (var file in set.Files)
            {
                var prefix = "." + (string.IsNullOrEmpty(file.Package) ? "" : file.Package + ".");
                foreach (var ext in file.Extensions) _extensions[(ext.Extendee, ext.Name)] = ext;
                foreach (var e in file.EnumTypes) _enums[prefix + e.Name] = e;
                foreach (var m in file.MessageTypes) Register(prefix + m.Name, m);
            }
        }

        private void Register(string name, DescriptorProto m)
        {
            _messages[name] = m;
            foreach (var ext in m.Extensions) _extensions[(ext.Extendee, ext.Name)] = ext;
            foreach (var e in m.EnumTypes) _enums[name + "." + e.Name] = e;
            foreach (var n in m.NestedTypes) Register(name + "." + n.Name, n);
        }

        public int? EnumNumber(string enumType, string valueName) =>
            _enums.TryGetValue(enumType, out var e) && e.Values.FirstOrDefault(v => v.Name == valueName) is { } v ? v.Number : null;

        private string? EnumName(string enumType, long number) =>
            _enums.TryGetValue(enumType, out var e) ? e.Values.FirstOrDefault(v => v.Number == number)?.Name : null;

        public bool FieldFlag(FieldDescriptorProto field, string option)
        {
            if (field.Options is null || !_extensions.TryGetValue((".google.protobuf.FieldOptions", option), out var ext)) return false;
            return Wire.Read(ExtensionBytes(field.Options)).Where(x => x.Number == ext.Number).Select(x => x.Varint != 0).LastOrDefault();
        }

        public RpcOption? Rpc(MethodDescriptorProto method)
        {
            if (method.Options is null || !_extensions.TryGetValue((".google.protobuf.MethodOptions", "rpc"), out var ext)) return null;
            var payloads = Wire.Read(ExtensionBytes(method.Options)).Where(x => x.Number == ext.Number && x.Bytes is not null).ToList();
            if (payloads.Count == 0) return null;
            // Several occurrences of one embedded message merge (proto semantics): concatenate them.
            var bytes = payloads.SelectMany(p => p.Bytes!).ToArray();
            var rpcType = _messages[ext.TypeName];
            var endpointsField = rpcType.Fields.FirstOrDefault(f => f.Name == "endpoints");
            var visibilityField = rpcType.Fields.FirstOrDefault(f => f.Name == "visibility");
            var endpoints = new List<(string, string, string)>();
            string? visibility = null;
            foreach (var item in Wire.Read(bytes))
            {
                if (endpointsField is not null && item.Number == endpointsField.Number && item.Bytes is not null)
                    endpoints.Add(Endpoint(_messages[endpointsField.TypeName], item.Bytes));
                else if (visibilityField is not null && item.Number == visibilityField.Number)
                    visibility = EnumName(visibilityField.TypeName, (long)item.Varint) ?? item.Varint.ToString(CultureInfo.InvariantCulture);
            }
            return new RpcOption(endpoints, visibility);
        }

        private (string Method, string Path, string Since) Endpoint(DescriptorProto type, byte[] bytes)
        {
            var methodField = type.Fields.FirstOrDefault(f => f.Name == "method");
            var pathField = type.Fields.FirstOrDefault(f => f.Name == "path");
            var sinceField = type.Fields.FirstOrDefault(f => f.Name == "since");
            var method = string.IsNullOrEmpty(methodField?.DefaultValue) ? "POST" : methodField.DefaultValue;
            var path = "";
            var since = "2.0";
            foreach (var item in Wire.Read(bytes))
            {
                if (item.Number == methodField?.Number && item.Bytes is not null) method = System.Text.Encoding.UTF8.GetString(item.Bytes);
                else if (item.Number == pathField?.Number && item.Bytes is not null) path = System.Text.Encoding.UTF8.GetString(item.Bytes);
                else if (item.Number == sinceField?.Number && item.Bytes is not null)
                {
                    var version = _messages[sinceField.TypeName];
                    var majorNumber = version.Fields.FirstOrDefault(f => f.Name == "major")?.Number;
                    var minorNumber = version.Fields.FirstOrDefault(f => f.Name == "minor")?.Number;
                    ulong major = 0, minor = 0;
                    foreach (var v in Wire.Read(item.Bytes))
                    {
                        if (v.Number == majorNumber) major = v.Varint;
                        else if (v.Number == minorNumber) minor = v.Varint;
                    }
                    since = major.ToString(CultureInfo.InvariantCulture) + "." + minor.ToString(CultureInfo.InvariantCulture);
                }
            }
            return (method, path, since);
        }

        private static byte[] ExtensionBytes(IExtensible options)
        {
            var extension = options.GetExtensionObject(false);
            if (extension is null) return [];
            var stream = extension.BeginQuery();
            try
            {
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                return buffer.ToArray();
            }
            finally
            {
                extension.EndQuery(stream);
            }
        }
    }

    /// <summary>A minimal protobuf wire-format reader (enough for option messages).</summary>
    private static class Wire
    {
        public readonly record struct Item(int Number, ulong Varint, byte[]? Bytes);

        public static IEnumerable<Item> Read(byte[] data)
        {
            var i = 0;
            while (i < data.Length)
            {
                var tag = Varint(data, ref i);
                var number = (int)(tag >> 3);
                switch ((int)(tag & 7))
                {
                    case 0: yield return new Item(number, Varint(data, ref i), null); break;
                    case 1: yield return new Item(number, BitConverter.ToUInt64(data, i), null); i += 8; break;
                    case 2:
                        var length = (int)Varint(data, ref i);
                        yield return new Item(number, 0, data[i..(i + length)]);
                        i += length;
                        break;
                    case 5: yield return new Item(number, BitConverter.ToUInt32(data, i), null); i += 4; break;
                    default: throw new SpecGenException($"unsupported wire type in an option value (tag {tag})");
                }
            }
        }

        private static ulong Varint(byte[] data, ref int i)
        {
            ulong result = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = data[i++];
                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0) return result;
            }
        }
    }
}
