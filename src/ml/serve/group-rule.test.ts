import { describe, expect, it } from 'vitest';
import { describeGroupRule, featureOfColumn, groupPlaceOf } from './group-rule.js';

describe('group rule', () => {
  it('groups tagged series by tag values; the feature is the key without them', () => {
    expect(groupPlaceOf({ tags: ['host'] }, 'cpu.user;dc=eu;host=web1')).toEqual({ group: 'host=web1', feature: 'cpu.user;dc=eu' });
    expect(groupPlaceOf({ tags: ['host', 'dc'] }, 'cpu.user;dc=eu;host=web1')).toEqual({ group: 'host=web1;dc=eu', feature: 'cpu.user' });
    expect(groupPlaceOf({ tags: ['host'] }, 'cpu.user;dc=eu')).toBeNull();
  });

  it('groups dotted paths by name nodes; the feature has a * there', () => {
    expect(groupPlaceOf({ nodes: [1] }, 'servers.web1.cpu.user')).toEqual({ group: 'web1', feature: 'servers.*.cpu.user' });
    expect(groupPlaceOf({ nodes: [0, 2] }, 'eu.servers.web1.cpu;env=prod')).toEqual({ group: 'eu.web1', feature: '*.servers.*.cpu;env=prod' });
    expect(groupPlaceOf({ nodes: [3] }, 'servers.web1.cpu')).toBeNull();
  });

  it('maps training columns to features: series keys lose their group part, other names stay', () => {
    expect(featureOfColumn({ tags: ['host'] }, 'mem;host=train')).toBe('mem');
    expect(featureOfColumn({ nodes: [1] }, 'servers.train.mem')).toBe('servers.*.mem');
    expect(featureOfColumn({ tags: ['host'] }, 'mem')).toBe('mem');
    expect(describeGroupRule({ nodes: [1, 2] })).toBe('nodes 1, 2');
  });
});
