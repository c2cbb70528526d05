// A CloudFormation template in YAML with short-form intrinsics, conditions and cross-references, in
// groups of five resources (a security group, a standalone ingress, an instance, a volume and its
// attachment): about ten short-form tags a group. `seed` varies the names so templates differ.
export function cloudFormationYaml(groups, seed = 0) {
  const lines = [
    "AWSTemplateFormatVersion: '2010-09-09'",
    `Description: generated template ${seed}`,
    'Parameters:',
    '  Env: { Type: String, Default: prod }',
    '  AdminCidr: { Type: String }',
    'Mappings:',
    '  Sizes: { prod: { Type: m5.xlarge }, dev: { Type: t3.large } }',
    'Conditions:',
    '  IsProd: !Equals [!Ref Env, prod]',
    'Resources:',
  ];
  for (let g = 0; g < groups; g++) {
    const i = `${seed}x${g}`;
    const open = (seed + g) % 10 === 0;
    lines.push(
      `  Group${i}:`,
      '    Type: AWS::EC2::SecurityGroup',
      '    Properties:',
      `      GroupDescription: !Sub 'group ${i} in \${Env}'`,
      '      SecurityGroupIngress:',
      `        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0 }`,
      `  Ssh${i}:`,
      '    Type: AWS::EC2::SecurityGroupIngress',
      `    Properties: { GroupId: !GetAtt Group${i}.GroupId, IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: ${open ? '0.0.0.0/0' : '!Ref AdminCidr'} }`,
      `  Server${i}:`,
      '    Type: AWS::EC2::Instance',
      '    Properties:',
      '      ImageId: ami-0abcdef1234567890',
      '      InstanceType: !FindInMap [Sizes, !Ref Env, Type]',
      `      SecurityGroupIds: [!Ref Group${i}]`,
      `      MetadataOptions: { HttpTokens: ${g % 4 === 0 ? 'optional' : 'required'} }`,
      '      BlockDeviceMappings:',
      `        - { DeviceName: /dev/xvda, Ebs: { VolumeSize: 20, Encrypted: !If [IsProd, true, false] } }`,
      `  Data${i}:`,
      '    Type: AWS::EC2::Volume',
      `    Properties: { AvailabilityZone: !GetAtt Server${i}.AvailabilityZone, Size: 100${g % 3 === 0 ? '' : ', Encrypted: true'} }`,
      `  Attach${i}:`,
      '    Type: AWS::EC2::VolumeAttachment',
      `    Properties: { InstanceId: !Ref Server${i}, VolumeId: !Ref Data${i}, Device: /dev/sdf }`,
    );
  }
  return `${lines.join('\n')}\n`;
}
