using System.Globalization;
using System.Linq;
using Mlflow.Generators.Helpers;
using Mlflow.Generators.Model;

namespace Mlflow.Generators.Emit
{
    /// <summary>Writes one Kiota request builder per URL node: navigation, URL template, query parameters, and per method a <c>To…RequestInformation</c> and an <c>…Async</c> method.</summary>
    internal static class RequestBuilderEmitter
    {
        public static GeneratedFile Emit(RequestBuilderModel builder, GeneratorOptions options)
        {
            var a = TypeSyntax.Abstractions;
            var w = new CodeWriter();
            ModelEmitter.Header(w);
            w.Open("namespace " + TypeSyntax.BuildersNamespace(options));
            w.Summary(null, "Builds and sends requests to " + builder.PathTemplate + ".");
            w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Mlflow.Generators\", \"1.0.0\")]");
            w.Open("public partial class " + builder.ClassName + " : " + a + ".BaseRequestBuilder");
            w.Line("/// <summary>The RFC 6570 URL template of this builder.</summary>");
            w.Line("public const string Template = " + Naming.Literal(builder.UrlTemplate) + ";");
            w.Line();
            EmitNavigation(w, builder.Children.Items, options, "PathParameters");

            w.Line("/// <summary>Creates the builder from the path parameters collected so far.</summary>");
            w.Line("/// <param name=\"pathParameters\">Path parameters, including the base URL.</param>");
            w.Line("/// <param name=\"requestAdapter\">The adapter that sends the requests.</param>");
            w.Open("public " + builder.ClassName + "(global::System.Collections.Generic.Dictionary<string, object> pathParameters, " + a + ".IRequestAdapter requestAdapter) : base(requestAdapter, Template, pathParameters)");
            w.Close();
            w.Line();
            w.Line("/// <summary>Creates the builder for a raw URL.</summary>");
            w.Line("/// <param name=\"rawUrl\">The full URL to call.</param>");
            w.Line("/// <param name=\"requestAdapter\">The adapter that sends the requests.</param>");
            w.Open("public " + builder.ClassName + "(string rawUrl, " + a + ".IRequestAdapter requestAdapter) : base(requestAdapter, Template, rawUrl)");
            w.Close();

            w.Line();
            w.Line("/// <summary>Returns a builder for the given raw URL, keeping the same adapter.</summary>");
            w.Line("/// <param name=\"rawUrl\">The full URL to call.</param>");
            w.Line("/// <returns>A new builder.</returns>");
            w.Line("public global::" + TypeSyntax.BuildersNamespace(options) + "." + builder.ClassName + " WithUrl(string rawUrl) => new global::" + TypeSyntax.BuildersNamespace(options) + "." + builder.ClassName + "(rawUrl, RequestAdapter);");

            EmitOperations(w, builder, "global::" + TypeSyntax.BuildersNamespace(options) + "." + builder.ClassName, options);
            w.Close();
            w.Close();
            return new GeneratedFile("RequestBuilders/" + builder.ClassName + ".g.cs", w.ToString());
        }

        /// <summary>The methods of each operation and their query parameter classes (shared by builders and the root client).</summary>
        internal static void EmitOperations(CodeWriter w, RequestBuilderModel builder, string qualifiedClass, GeneratorOptions options)
        {
            var a = TypeSyntax.Abstractions;
            foreach (var operation in builder.Operations)
            {
                EmitOperation(w, builder, qualifiedClass, operation, options);
            }

            foreach (var operation in builder.Operations.Where(o => o.QueryParameters.Count > 0))
            {
                w.Line();
                w.Summary(null, "Query parameters of " + operation.Method + " " + operation.PathTemplate + " (" + operation.OperationId + ").");
                w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Mlflow.Generators\", \"1.0.0\")]");
                w.Open("public partial class " + QueryClass(builder, operation));
                var first = true;
                foreach (var parameter in operation.QueryParameters)
                {
                    if (!first)
                    {
                        w.Line();
                    }

                    first = false;
                    w.Summary(parameter.Description, "The " + parameter.WireName + " query parameter" + (parameter.Required ? " (required)." : "."));
                    w.Line("[" + a + ".QueryParameter(" + Naming.Literal(parameter.TemplateName) + ")]");
                    w.Line("public " + QueryType(parameter.Type, options) + "? " + parameter.CsName + " { get; set; }");
                }

                w.Close();
            }
        }

        /// <summary>Navigation members shared by request builders and the root client.</summary>
        internal static void EmitNavigation(CodeWriter w, System.Collections.Generic.IEnumerable<NavigationModel> children, GeneratorOptions options, string pathParameters)
        {
            foreach (var child in children)
            {
                var target = "global::" + TypeSyntax.BuildersNamespace(options) + "." + child.TargetClass;
                w.Summary(child.Description, child.MemberName);
                switch (child.Kind)
                {
                    case NavigationKind.Property:
                        w.Line("public " + target + " " + child.MemberName + " => new " + target + "(" + pathParameters + ", RequestAdapter);");
                        break;
                    case NavigationKind.Indexer:
                        var parameter = child.ParameterCsNames[0];
                        w.Line("/// <param name=\"" + parameter.TrimStart('@') + "\">The value of the path parameter.</param>");
                        w.Line("/// <returns>The builder for the item.</returns>");
                        w.Open("public " + target + " this[string " + parameter + "]");
                        w.Open("get");
                        w.Line("var urlTplParams = new global::System.Collections.Generic.Dictionary<string, object>(" + pathParameters + ");");
                        foreach (var name in child.ParameterNames)
                        {
                            // Every spelling of the parameter used below this segment is filled (paths may name it differently).
                            w.Line("urlTplParams[" + Naming.Literal(Naming.TemplateVariable(name)) + "] = " + parameter + ";");
                        }

                        w.Line("return new " + target + "(urlTplParams, RequestAdapter);");
                        w.Close();
                        w.Close();
                        break;
                    case NavigationKind.Method:
                        for (var i = 0; i < child.ParameterNames.Count; i++)
                        {
                            w.Line("/// <param name=\"" + child.ParameterCsNames[i].TrimStart('@') + "\">The value of the path parameter " + Naming.Xml(child.ParameterNames[i]) + ".</param>");
                        }

                        w.Line("/// <returns>The builder for the segment.</returns>");
                        w.Open("public " + target + " " + child.MemberName + "(" + string.Join(", ", child.ParameterCsNames.Select(p => "string " + p)) + ")");
                        w.Line("var urlTplParams = new global::System.Collections.Generic.Dictionary<string, object>(" + pathParameters + ");");
                        for (var i = 0; i < child.ParameterNames.Count; i++)
                        {
                            w.Line("urlTplParams[" + Naming.Literal(Naming.TemplateVariable(child.ParameterNames[i])) + "] = " + child.ParameterCsNames[i] + ";");
                        }

                        w.Line("return new " + target + "(urlTplParams, RequestAdapter);");
                        w.Close();
                        break;
                }

                w.Line();
            }
        }

        internal static string MethodName(string method) =>
            method.Substring(0, 1) + method.Substring(1).ToLowerInvariant();

        internal static string QueryClass(RequestBuilderModel builder, OperationModel operation) =>
            builder.ClassName + MethodName(operation.Method) + "QueryParameters";

        private static string QueryType(TypeRef type, GeneratorOptions options) =>
            type.Kind == TypeKind.Array ? TypeSyntax.Of(type.Element!, options) + "[]" : TypeSyntax.Of(type, options);

        internal static string ReturnType(OperationModel operation, GeneratorOptions options)
        {
            switch (operation.ResponseKind)
            {
                case ResponseKind.None: return "global::System.Threading.Tasks.Task";
                case ResponseKind.Text: return "global::System.Threading.Tasks.Task<string?>";
                case ResponseKind.Stream: return "global::System.Threading.Tasks.Task<global::System.IO.Stream?>";
                default: return "global::System.Threading.Tasks.Task<" + TypeSyntax.Nullable(operation.ResponseType!, options) + ">";
            }
        }

        internal static string BodyType(OperationModel operation, GeneratorOptions options) =>
            TypeSyntax.Of(operation.BodyType!, options);

        private static void EmitOperation(CodeWriter w, RequestBuilderModel builder, string qualifiedClass, OperationModel operation, GeneratorOptions options)
        {
            var a = TypeSyntax.Abstractions;
            var method = MethodName(operation.Method);
            var query = operation.QueryParameters.Count > 0
                ? qualifiedClass + "." + QueryClass(builder, operation)
                : a + ".DefaultQueryParameters";
            var config = "global::System.Action<" + a + ".RequestConfiguration<" + query + ">>? requestConfiguration = default";
            var hasBody = operation.BodyKind != BodyKind.None;
            var bodyParameter = hasBody ? BodyType(operation, options) + " body, " : "";
            var summary = operation.Summary ?? operation.Description;
            var docs = (summary ?? operation.OperationId) + (operation.Deprecated ? "\n(Deprecated by the server.)" : "");
            var remarks = "operationId " + operation.OperationId + "; " + operation.Method + " " + operation.PathTemplate + (operation.Since != null ? "; since MLflow " + operation.Since : "");

            w.Line();
            w.Summary(docs, operation.OperationId);
            w.Line("/// <remarks>" + Naming.Xml(remarks) + "</remarks>");
            if (hasBody)
            {
                w.Line("/// <param name=\"body\">The request body.</param>");
            }

            w.Line("/// <param name=\"requestConfiguration\">Configures headers, query parameters and options of the request.</param>");
            w.Line("/// <param name=\"cancellationToken\">Cancels the request.</param>");
            w.Line("/// <returns>" + (operation.ResponseKind == ResponseKind.None ? "A task that completes when the server has answered." : "The decoded answer.") + "</returns>");
            w.Line("/// <exception cref=\"" + a + ".ApiException\">The server answered with an error status.</exception>");
            w.Open("public async " + ReturnType(operation, options) + " " + method + "Async(" + bodyParameter + config + ", global::System.Threading.CancellationToken cancellationToken = default)");
            if (hasBody)
            {
                w.Line("_ = body ?? throw new global::System.ArgumentNullException(nameof(body));");
            }

            w.Line("var requestInfo = To" + method + "RequestInformation(" + (hasBody ? "body, " : "") + "requestConfiguration);");
            w.Line("var errorMapping = global::" + options.Namespace + ".ApiErrorMappings.Create(" + Naming.Literal(operation.OperationId) + ");");
            foreach (var error in operation.Errors)
            {
                var model = "global::" + TypeSyntax.ModelsNamespace(options) + "." + error.ModelName;
                w.Line("errorMapping.TryAdd(" + Naming.Literal(error.StatusKey) + ", " + model + ".CreateFromDiscriminatorValue);");
            }

            w.Line("global::" + options.Namespace + ".ApiErrorMappings.OnCreated(" + Naming.Literal(operation.OperationId) + ", errorMapping);");
            switch (operation.ResponseKind)
            {
                case ResponseKind.None:
                    w.Line("await RequestAdapter.SendNoContentAsync(requestInfo, errorMapping, cancellationToken).ConfigureAwait(false);");
                    break;
                case ResponseKind.Json:
                    var type = TypeSyntax.Of(operation.ResponseType!, options);
                    w.Line("return await RequestAdapter.SendAsync<" + type + ">(requestInfo, " + type + ".CreateFromDiscriminatorValue, errorMapping, cancellationToken).ConfigureAwait(false);");
                    break;
                case ResponseKind.JsonCollection:
                    var element = TypeSyntax.Of(operation.ResponseType!.Element!, options);
                    w.Line("var collection = await RequestAdapter.SendCollectionAsync<" + element + ">(requestInfo, " + element + ".CreateFromDiscriminatorValue, errorMapping, cancellationToken).ConfigureAwait(false);");
                    w.Line("return collection == null ? null : global::System.Linq.Enumerable.ToList(collection);");
                    break;
                case ResponseKind.JsonPrimitive:
                    w.Line("return await RequestAdapter.SendPrimitiveAsync<" + TypeSyntax.Of(operation.ResponseType!, options) + ">(requestInfo, errorMapping, cancellationToken).ConfigureAwait(false);");
                    break;
                case ResponseKind.Text:
                    w.Line("return await RequestAdapter.SendPrimitiveAsync<string>(requestInfo, errorMapping, cancellationToken).ConfigureAwait(false);");
                    break;
                case ResponseKind.Stream:
                    w.Line("return await RequestAdapter.SendPrimitiveAsync<global::System.IO.Stream>(requestInfo, errorMapping, cancellationToken).ConfigureAwait(false);");
                    break;
            }

            w.Close();

            w.Line();
            w.Summary(docs, operation.OperationId);
            w.Line("/// <remarks>Builds the request without sending it. " + Naming.Xml(remarks) + "</remarks>");
            if (hasBody)
            {
                w.Line("/// <param name=\"body\">The request body.</param>");
            }

            w.Line("/// <param name=\"requestConfiguration\">Configures headers, query parameters and options of the request.</param>");
            w.Line("/// <returns>The request, ready for the adapter.</returns>");
            w.Open("public " + a + ".RequestInformation To" + method + "RequestInformation(" + bodyParameter + config + ")");
            if (hasBody)
            {
                w.Line("_ = body ?? throw new global::System.ArgumentNullException(nameof(body));");
            }

            w.Line("var requestInfo = new " + a + ".RequestInformation(" + a + ".Method." + operation.Method + ", UrlTemplate, PathParameters);");
            w.Line("requestInfo.Configure(requestConfiguration);");
            w.Line("requestInfo.Headers.TryAdd(\"Accept\", " + Naming.Literal(operation.Accept ?? "application/json") + ");");
            switch (operation.BodyKind)
            {
                case BodyKind.Json:
                    w.Line("requestInfo.SetContentFromParsable(RequestAdapter, " + Naming.Literal(operation.BodyContentType ?? "application/json") + ", body);");
                    break;
                case BodyKind.JsonCollection:
                    w.Line("requestInfo.SetContentFromParsableCollection(RequestAdapter, " + Naming.Literal(operation.BodyContentType ?? "application/json") + ", body);");
                    break;
                case BodyKind.Binary:
                    w.Line("requestInfo.SetStreamContent(body, " + Naming.Literal(operation.BodyContentType ?? "application/octet-stream") + ");");
                    break;
            }

            w.Line("return requestInfo;");
            w.Close();
        }

        internal static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
