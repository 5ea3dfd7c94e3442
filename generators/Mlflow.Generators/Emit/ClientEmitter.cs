using System;
using System.IO;
using System.Linq;
using Mlflow.Generators.Helpers;
using Mlflow.Generators.Model;

namespace Mlflow.Generators.Emit
{
    /// <summary>Writes the root Kiota-level client, the operation catalog and the fixed support files.</summary>
    internal static class ClientEmitter
    {
        /// <summary>The values the root client and the catalog need, so that they are re-emitted only when these change.</summary>
        internal sealed record ClientInput(string Title, string? DefaultServerUrl, RequestBuilderModel Root);

        internal sealed record CatalogInput(EquatableArray<RequestBuilderModel> Builders, RequestBuilderModel Root);

        public static GeneratedFile EmitClient(ClientInput input, GeneratorOptions options)
        {
            var a = TypeSyntax.Abstractions;
            var w = new CodeWriter();
            ModelEmitter.Header(w);
            w.Open("namespace " + options.Namespace);
            w.Summary(null, "The Kiota-level client of " + input.Title + ": navigate by path segments, then call a method, for example\nclient.Api.V20.Mlflow.Experiments.Create.PostAsync(body).");
            w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Mlflow.Generators\", \"1.0.0\")]");
            w.Open("public partial class " + options.ClientName + " : " + a + ".BaseRequestBuilder");
            RequestBuilderEmitter.EmitNavigation(w, input.Root.Children.Items, options, "PathParameters");
            w.Line("/// <summary>Creates the client and registers the JSON, text, form and multipart serializers with the Kiota defaults.</summary>");
            w.Line("/// <param name=\"requestAdapter\">The adapter that sends the requests; its BaseUrl is the tracking URI.</param>");
            w.Open("public " + options.ClientName + "(" + a + ".IRequestAdapter requestAdapter) : base(requestAdapter, " + Naming.Literal(input.Root.UrlTemplate) + ", new global::System.Collections.Generic.Dictionary<string, object>())");
            w.Line(a + ".ApiClientBuilder.RegisterDefaultSerializer<global::Microsoft.Kiota.Serialization.Json.JsonSerializationWriterFactory>();");
            w.Line(a + ".ApiClientBuilder.RegisterDefaultSerializer<global::Microsoft.Kiota.Serialization.Text.TextSerializationWriterFactory>();");
            w.Line(a + ".ApiClientBuilder.RegisterDefaultSerializer<global::Microsoft.Kiota.Serialization.Form.FormSerializationWriterFactory>();");
            w.Line(a + ".ApiClientBuilder.RegisterDefaultSerializer<global::Microsoft.Kiota.Serialization.Multipart.MultipartSerializationWriterFactory>();");
            w.Line(a + ".ApiClientBuilder.RegisterDefaultDeserializer<global::Microsoft.Kiota.Serialization.Json.JsonParseNodeFactory>();");
            w.Line(a + ".ApiClientBuilder.RegisterDefaultDeserializer<global::Microsoft.Kiota.Serialization.Text.TextParseNodeFactory>();");
            w.Line(a + ".ApiClientBuilder.RegisterDefaultDeserializer<global::Microsoft.Kiota.Serialization.Form.FormParseNodeFactory>();");
            var server = input.DefaultServerUrl;
            if (server != null && server.IndexOf('{') < 0 && (server.StartsWith("http://", StringComparison.Ordinal) || server.StartsWith("https://", StringComparison.Ordinal)))
            {
                w.Open("if (string.IsNullOrEmpty(RequestAdapter.BaseUrl))");
                w.Line("RequestAdapter.BaseUrl = " + Naming.Literal(server.TrimEnd('/')) + ";");
                w.Close();
            }

            w.Line("PathParameters.TryAdd(\"baseurl\", RequestAdapter.BaseUrl ?? string.Empty);");
            w.Close();
            var root = input.Root with { ClassName = options.ClientName };
            RequestBuilderEmitter.EmitOperations(w, root, "global::" + options.Namespace + "." + options.ClientName, options);
            w.Close();
            w.Close();
            return new GeneratedFile(options.ClientName + ".g.cs", w.ToString());
        }

        public static GeneratedFile EmitCatalog(CatalogInput input, GeneratorOptions options)
        {
            var w = new CodeWriter();
            ModelEmitter.Header(w);
            w.Open("namespace " + options.Namespace);
            w.Line("/// <summary>Every operation of the spec with the generated types that serve it (for tooling, tests and the facade).</summary>");
            w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Mlflow.Generators\", \"1.0.0\")]");
            w.Open("public static class ApiOperationCatalog");
            w.Line("/// <summary>The operations, in path order.</summary>");
            w.Open("public static global::System.Collections.Generic.IReadOnlyList<global::" + options.Namespace + ".ApiOperationInfo> Operations { get; } = new global::" + options.Namespace + ".ApiOperationInfo[]");
            var all = input.Builders.Select(b => (Builder: b, Qualified: "global::" + TypeSyntax.BuildersNamespace(options) + "." + b.ClassName))
                .Concat(new[] { (Builder: input.Root with { ClassName = options.ClientName }, Qualified: "global::" + options.Namespace + "." + options.ClientName) })
                .OrderBy(b => b.Builder.PathTemplate, StringComparer.Ordinal);
            foreach (var (builder, qualified) in all)
            {
                foreach (var operation in builder.Operations)
                {
                    var builderType = "typeof(" + qualified + ")";
                    var queryType = operation.QueryParameters.Count > 0
                        ? "typeof(" + qualified + "." + RequestBuilderEmitter.QueryClass(builder, operation) + ")"
                        : "null";
                    var bodyType = operation.BodyType == null ? "null" : "typeof(" + TypeSyntax.Of(operation.BodyKind == BodyKind.JsonCollection ? operation.BodyType.Element! : operation.BodyType, options) + ")";
                    var responseType = operation.ResponseType == null ? "null" : "typeof(" + TypeSyntax.Of(operation.ResponseKind == ResponseKind.JsonCollection ? operation.ResponseType.Element! : operation.ResponseType, options) + ")";
                    var errorType = operation.Errors.Count == 0 ? "null" : "typeof(global::" + TypeSyntax.ModelsNamespace(options) + "." + operation.Errors[0].ModelName + ")";
                    w.Line("new global::" + options.Namespace + ".ApiOperationInfo(" +
                        Naming.Literal(operation.OperationId) + ", " +
                        Naming.Literal(operation.Method) + ", " +
                        Naming.Literal(operation.PathTemplate) + ", " +
                        Naming.Literal(builder.UrlTemplate) + ", " +
                        builderType + ", " +
                        queryType + ", " +
                        Naming.Literal(operation.BodyKind.ToString()) + ", " +
                        bodyType + ", " +
                        (operation.BodyContentType == null ? "null" : Naming.Literal(operation.BodyContentType)) + ", " +
                        Naming.Literal(operation.ResponseKind.ToString()) + ", " +
                        responseType + ", " +
                        errorType + "),");
                }
            }

            w.Close(";");
            w.Close();
            w.Close();
            return new GeneratedFile("ApiOperationCatalog.g.cs", w.ToString());
        }

        public static EquatableArray<GeneratedFile> EmitSupport(GeneratorOptions options)
        {
            var ns = options.Namespace;
            var w = new CodeWriter();
            ModelEmitter.Header(w);
            w.Open("namespace " + ns);
            w.Line("/// <summary>One operation of the spec and the generated types that serve it.</summary>");
            w.Line("/// <param name=\"OperationId\">The spec's operationId (the proto RPC name for proto routes).</param>");
            w.Line("/// <param name=\"Method\">The HTTP method, upper case.</param>");
            w.Line("/// <param name=\"PathTemplate\">The spec path, with {parameters}.</param>");
            w.Line("/// <param name=\"UrlTemplate\">The RFC 6570 template of the request builder.</param>");
            w.Line("/// <param name=\"RequestBuilderType\">The request builder class.</param>");
            w.Line("/// <param name=\"QueryParametersType\">The query parameters class, when the operation has query parameters.</param>");
            w.Line("/// <param name=\"BodyKind\">None, Json, JsonCollection or Binary.</param>");
            w.Line("/// <param name=\"BodyType\">The body type (the element type for a collection).</param>");
            w.Line("/// <param name=\"BodyContentType\">The body's media type.</param>");
            w.Line("/// <param name=\"ResponseKind\">None, Json, JsonCollection, JsonPrimitive, Text or Stream.</param>");
            w.Line("/// <param name=\"ResponseType\">The success answer's type (the element type for a collection).</param>");
            w.Line("/// <param name=\"ErrorType\">The model of error answers, when the spec gives one.</param>");
            w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Mlflow.Generators\", \"1.0.0\")]");
            w.Line("public sealed record ApiOperationInfo(string OperationId, string Method, string PathTemplate, string UrlTemplate, global::System.Type RequestBuilderType, global::System.Type? QueryParametersType, string BodyKind, global::System.Type? BodyType, string? BodyContentType, string ResponseKind, global::System.Type? ResponseType, global::System.Type? ErrorType);");
            w.Line();
            w.Line("/// <summary>Builds the error mapping of each operation. A hand-written part of this class may implement <c>Customize</c> to add or replace entries (for example for non-JSON error bodies).</summary>");
            w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Mlflow.Generators\", \"1.0.0\")]");
            w.Open("internal static partial class ApiErrorMappings");
            w.Line("/// <summary>A new, empty mapping for the operation.</summary>");
            w.Line("public static global::System.Collections.Generic.Dictionary<string, global::Microsoft.Kiota.Abstractions.Serialization.ParsableFactory<global::Microsoft.Kiota.Abstractions.Serialization.IParsable>> Create(string operationId) => new global::System.Collections.Generic.Dictionary<string, global::Microsoft.Kiota.Abstractions.Serialization.ParsableFactory<global::Microsoft.Kiota.Abstractions.Serialization.IParsable>>();");
            w.Line();
            w.Line("/// <summary>Called once the spec's entries are in; forwards to the optional hand-written hook.</summary>");
            w.Line("public static void OnCreated(string operationId, global::System.Collections.Generic.Dictionary<string, global::Microsoft.Kiota.Abstractions.Serialization.ParsableFactory<global::Microsoft.Kiota.Abstractions.Serialization.IParsable>> mapping) => Customize(operationId, mapping);");
            w.Line();
            w.Line("static partial void Customize(string operationId, global::System.Collections.Generic.Dictionary<string, global::Microsoft.Kiota.Abstractions.Serialization.ParsableFactory<global::Microsoft.Kiota.Abstractions.Serialization.IParsable>> mapping);");
            w.Close();
            w.Close();

            var files = new[]
            {
                new GeneratedFile("ApiSupport.g.cs", w.ToString()),
                new GeneratedFile("Serialization/WireJson.g.cs", Template("WireJson.template").Replace("__NAMESPACE__", ns)),
            };
            return files.ToEquatableArray();
        }

        private static string Template(string name)
        {
            var assembly = typeof(ClientEmitter).Assembly;
            var resource = assembly.GetManifestResourceNames().First(n => n.EndsWith(name, StringComparison.Ordinal));
            using (var stream = assembly.GetManifestResourceStream(resource)!)
            using (var reader = new StreamReader(stream))
            {
                return reader.ReadToEnd().Replace("\r\n", "\n");
            }
        }
    }
}
