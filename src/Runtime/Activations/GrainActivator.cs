using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Scheduling.Runtime.Activations;

/// <summary>Constructs a grain: [PersistentState] parameters get a state bound to the activation, the rest come from DI.</summary>
internal static class GrainActivator
{
    private static readonly MethodInfo s_createState = typeof(GrainActivator).GetMethod(nameof(CreateState), BindingFlags.NonPublic | BindingFlags.Static)!;

    public static object Create(ActivationData activation)
    {
        var constructor = activation.GrainClass.Constructor;
        var parameters = constructor.GetParameters();
        var arguments = new object?[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            if (parameter.GetCustomAttribute<PersistentStateAttribute>() is { } stateAttribute)
            {
                var type = parameter.ParameterType;
                if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(IPersistentState<>))
                {
                    throw new InvalidOperationException(
                        $"{activation.GrainClass.ClassType.Name}: [PersistentState] parameter '{parameter.Name}' must be IPersistentState<T>.");
                }

                arguments[i] = s_createState.MakeGenericMethod(type.GetGenericArguments()[0]).Invoke(null, [activation, stateAttribute.StateName]);
            }
            else if (parameter.ParameterType == typeof(IGrainFactory))
            {
                arguments[i] = activation.Runtime;
            }
            else
            {
                arguments[i] = activation.Runtime.Services.GetRequiredService(parameter.ParameterType);
            }
        }

        try
        {
            return constructor.Invoke(arguments);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw ex.InnerException;
        }
    }

    private static PersistentState<TState> CreateState<TState>(ActivationData activation, string stateName)
    {
        var state = new PersistentState<TState>(activation, stateName);
        activation.AddState(state);
        return state;
    }
}
