/** Parameters of the backprop stepper (chapter "Backpropagation"). */
import type { WidgetSchema } from '../core/params.ts';
import { checkExpression, checkVars } from './syntax.ts';

/** Steps past the end mean "the end": the default shows every value and every gradient. */
export const END = 9999;

export const params = {
  expr: {
    type: 'string',
    label: 'Expression',
    default: '0.5*(sigmoid(w1*x1 + w2*x2 + b) - t)^2',
    maxLength: 600,
    allowed: 'A-Za-z0-9_+\\-*/^(). ',
    validate: checkExpression,
    control: 'none',
    description: 'An expression in + − × ÷ ^, parentheses and relu, sigmoid, tanh, exp, log, sqrt, sin, cos, abs; its variables are the inputs.',
  },
  vars: {
    type: 'string',
    label: 'Variables',
    default: 'w1=0.5,w2=-1,b=0.1,x1=1.5,x2=2,t=1',
    maxLength: 1200,
    allowed: 'A-Za-z0-9_=.,+\\- ',
    validate: checkVars,
    control: 'none',
    description: 'Values of the variables, as name=value pairs separated by commas (x=1.5,w=-2); a variable not listed is 1.',
  },
  step: {
    type: 'number',
    label: 'Step',
    min: 0,
    max: END,
    step: 1,
    integer: true,
    default: END,
    control: 'none',
    description: '0 is nothing evaluated; each forward step evaluates one node, each backward step pushes the adjoint along one edge; the last step (or any larger number) has every gradient.',
  },
} as const satisfies WidgetSchema['params'];

export const presets = {
  product: { label: 'z = x · y', description: 'One multiplication: ∂z/∂x = y and ∂z/∂y = x.', values: { expr: 'x*y', vars: 'x=3,y=-2' } },
  logistic: { label: 'Logistic unit', description: 'σ(w₁x₁ + w₂x₂ + b) with the squared loss ½(σ − t)².', values: { expr: '0.5*(sigmoid(w1*x1 + w2*x2 + b) - t)^2', vars: 'w1=0.5,w2=-1,b=0.1,x1=1.5,x2=2,t=1' } },
  chain: { label: 'Linear chain', description: 'The chapter’s chain h¹ = w¹x, h² = w²h¹, h³ = w³h², ŷ = w h³ with the loss ½(ŷ − y)².', values: { expr: '0.5*(w*(w3*(w2*(w1*x))) - y)^2', vars: 'w=0.5,w3=1.5,w2=-2,w1=0.8,x=1,y=1' } },
  relu: { label: 'Two ReLU units', description: 'A one-input network with two hidden ReLU units and the squared loss.', values: { expr: '0.5*(v1*relu(u1*x + c1) + v2*relu(u2*x + c2) - y)^2', vars: 'u1=1.2,c1=-0.5,u2=-0.7,c2=0.4,v1=0.9,v2=-1.1,x=1.5,y=0.3' } },
  fanout: { label: 'Fan-out', description: 'x is used twice: its adjoint is the sum of what the two uses send back.', values: { expr: 'x*y + sin(x)', vars: 'x=1.2,y=0.5' } },
} satisfies WidgetSchema<typeof params>['presets'];

export const schema: WidgetSchema<typeof params> = { params, presets };
