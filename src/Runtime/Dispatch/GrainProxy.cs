using System.Diagnostics;
using System.Reflection;
using Scheduling.Runtime.Activations;
using Scheduling.Runtime.Telemetry;

namespace Scheduling.Runtime.Dispatch;

/// <summary>
/// The grain reference handed out by <see cref="IGrainFactory.GetGrain{TGrainInterface}(long)"/>: every
/// interface call becomes a message in the target activation's mailbox. It remembers the activation it
/// last reached so calls to an active grain skip the catalog lookup.
/// </summary>
public class GrainProxy : DispatchProxy
{
    private GrainRuntime _runtime = null!;
    private GrainInterfaceInfo _interface = null!;
    private ActivationData? _activation;

    /// <summary>The identity of the grain this reference points to.</summary>
    public GrainId GrainId { get; private set; }

    internal static TGrainInterface Create<TGrainInterface>(GrainRuntime runtime, GrainId grainId, GrainInterfaceInfo info)
    {
        // DispatchProxy.Create builds each instance through reflection (binder, Activator); a shallow copy of one
        // prototype per interface is the same object of the generated type for the cost of an allocation.
        var prototype = info.ProxyPrototype ??= (GrainProxy)(object)Create<TGrainInterface, GrainProxy>()!;
        var self = (GrainProxy)prototype.MemberwiseClone();
        self._runtime = runtime;
        self._interface = info;
        self._activation = null;
        self.GrainId = grainId;
        return (TGrainInterface)(object)self;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (!_interface.Methods.TryGetValue(targetMethod, out var method))
        {
            // object members (ToString, Equals, GetHashCode) are not grain calls.
            return targetMethod.Name switch
            {
                nameof(ToString) => GrainId.ToString(),
                nameof(GetHashCode) => GrainId.GetHashCode(),
                nameof(Equals) => args?[0] is GrainProxy other && other.GrainId == GrainId,
                _ => throw new NotSupportedException($"{targetMethod.Name} is not a grain method of {_interface.InterfaceType}."),
            };
        }

        var (request, returnValue) = method.CreateCall(method, args);
        var previous = Activity.Current;
        var activity = RuntimeTelemetry.StartCall(method.Name, GrainId);
        request.Activity = activity;
        request.CallerContext = ExecutionContext.Capture();
        if (activity is not null)
        {
            Activity.Current = previous;
        }

        var activation = _activation;
        if (activation is null || !activation.TryEnqueue(request))
        {
            _activation = _runtime.Catalog.Dispatch(GrainId, _interface.GrainClass, request);
        }

        return returnValue;
    }
}
